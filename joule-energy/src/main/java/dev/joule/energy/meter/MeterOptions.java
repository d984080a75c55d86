package dev.joule.energy.meter;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to choose and open meters.
 *
 * @param choice {@code auto} (best available first) or one meter name: {@code rapl}, {@code nvml},
 *     {@code model-cpu-time}, {@code analytic}
 * @param sysfsRoot where powercap lives, normally {@code /sys}; tests point it at a fake tree
 * @param includeSelf whether this JVM's own CPU time counts (false when it only observes a child command)
 * @param gpuPowerPollInterval how often a GPU without an energy counter is polled
 */
public record MeterOptions(String choice, Path sysfsRoot, boolean includeSelf, Duration gpuPowerPollInterval) {

    public static MeterOptions defaults() {
        return new MeterOptions("auto", Path.of("/sys"), true, Duration.ofMillis(100));
    }

    public MeterOptions withChoice(String newChoice) {
        return new MeterOptions(newChoice, sysfsRoot, includeSelf, gpuPowerPollInterval);
    }

    public MeterOptions withIncludeSelf(boolean newIncludeSelf) {
        return new MeterOptions(choice, sysfsRoot, newIncludeSelf, gpuPowerPollInterval);
    }

    public MeterOptions withSysfsRoot(Path newRoot) {
        return new MeterOptions(choice, newRoot, includeSelf, gpuPowerPollInterval);
    }
}
