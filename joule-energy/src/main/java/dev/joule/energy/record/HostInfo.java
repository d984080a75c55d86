package dev.joule.energy.record;

import dev.joule.energy.meter.cputime.SystemInfo;

/**
 * The machine a run was measured on, for the CodeCarbon-compatible columns.
 *
 * @param ramTotalGb memory available to the process (cgroup-aware), in GB
 */
public record HostInfo(String os, String cpuModel, int cpuCount, int gpuCount, String gpuModel, double ramTotalGb,
        String javaVersion) {

    public static HostInfo detect() {
        SystemInfo system = SystemInfo.system();
        return new HostInfo(System.getProperty("os.name") + "-" + System.getProperty("os.version"), system.cpuModel(),
                Runtime.getRuntime().availableProcessors(), 0, "", system.memoryBytes() / 1e9,
                Runtime.version().toString());
    }

    public HostInfo withGpus(int count, String model) {
        return new HostInfo(os, cpuModel, cpuCount, count, model, ramTotalGb, javaVersion);
    }
}
