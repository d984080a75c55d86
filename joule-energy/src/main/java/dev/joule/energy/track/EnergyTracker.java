package dev.joule.energy.track;

import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.Meters;

/**
 * Entry point of the tracker API:
 *
 * <pre>{@code
 * try (EnergyRun run = EnergyTracker.start("train-mamba")) {
 *     try (EnergyWindow epoch = run.window("epoch-1")) { ... }
 * }
 * EnergyReport report = run.report();
 * }</pre>
 */
public final class EnergyTracker {
    private EnergyTracker() {}

    /** Starts a run with the best meters available, a 1 s sampler and the world-average grid. */
    public static EnergyRun start(String name) {
        return start(name, TrackerConfig.defaults());
    }

    public static EnergyRun start(String name, TrackerConfig config) {
        if (config.meter() != null) {
            return new EnergyRun(name, config.meter(), false, config);
        }
        EnergyMeter meter = Meters.open(config.meterOptions()).meter();
        return new EnergyRun(name, meter, true, config);
    }
}
