package dev.joule.energy.track;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterReading;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A meter on a hand-driven clock: constant power per component, resolution chosen by the test. */
final class ManualMeter implements EnergyMeter {
    volatile long nanos;
    private final double cpuWatts;
    private final double idleWatts;
    private final double gpuWatts;
    private final Duration resolution;
    Duration safeInterval;

    ManualMeter(double cpuWatts, double idleWatts, double gpuWatts, Duration resolution) {
        this.cpuWatts = cpuWatts;
        this.idleWatts = idleWatts;
        this.gpuWatts = gpuWatts;
        this.resolution = resolution;
    }

    void advanceMillis(long millis) {
        nanos += millis * 1_000_000L;
    }

    @Override
    public String name() {
        return "manual";
    }

    @Override
    public String describe() {
        return "manual test meter";
    }

    @Override
    public Set<Component> components() {
        return EnumSet.of(Component.CPU, Component.GPU);
    }

    @Override
    public MeterReading read() {
        double s = nanos / 1e9;
        return MeterReading.of(nanos, List.of(
                new ComponentEnergy(Component.CPU, cpuWatts * s, idleWatts * s, "test-cpu", true, 0.5),
                new ComponentEnergy(Component.GPU, gpuWatts * s, 0, "test-gpu", false, 0.05)), 0, s);
    }

    @Override
    public java.util.Optional<Duration> longestSafeInterval() {
        return java.util.Optional.ofNullable(safeInterval);
    }

    @Override
    public Duration resolution() {
        return resolution;
    }
}
