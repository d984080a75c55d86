package dev.joule.energy.meter.cputime;

/**
 * The constants of the CPU-time energy model, each with where it comes from.
 *
 * <pre>
 *   E_cpu,active = cpuSeconds × wattsPerCpu × (1 − idleFraction)
 *   E_cpu,idle   = wallSeconds × wattsPerCpu × idleFraction × allottedCpus
 *   E_dram       = ∫ residentGB dt × dramWattsPerGb     (resident size capped by the cgroup-aware memory size)
 * </pre>
 *
 * @param wattsPerCpu TDP divided by hardware threads, from {@link CpuPowerTable}
 * @param idleFraction share of TDP drawn idle: 0.1, the floor of CodeCarbon v3's CPU-load curve
 * @param allottedCpus logical CPUs this process may use (cgroup quota aware): its share of idle power
 * @param dramWattsPerGb 0.3725 W/GB, Green Algorithms v3.0 {@code memoryPower}
 * @param memoryCapBytes memory available to the process (cgroup limit or MemTotal)
 * @param powerSource where {@code wattsPerCpu} came from, for the record
 * @param uncertaintyFraction half-width of the band: ±50 % (published checks of such models find errors up to 40 %)
 */
public record CpuTimeModel(double wattsPerCpu, double idleFraction, double allottedCpus, double dramWattsPerGb,
        long memoryCapBytes, String cpuModel, String powerSource, double uncertaintyFraction) {

    public static final double DEFAULT_IDLE_FRACTION = 0.1;
    public static final double DEFAULT_DRAM_WATTS_PER_GB = 0.3725;
    public static final double DEFAULT_UNCERTAINTY = 0.5;

    /** The model for this machine: CPU looked up in the bundled table, limits from cgroups. */
    public static CpuTimeModel detect(SystemInfo system, CpuPowerTable table) {
        String model = system.cpuModel();
        CpuPowerTable.Lookup lookup = table.lookup(model, Runtime.getRuntime().availableProcessors());
        return new CpuTimeModel(lookup.wattsPerCpu(), DEFAULT_IDLE_FRACTION, system.allottedCpus(),
                DEFAULT_DRAM_WATTS_PER_GB, system.memoryBytes(), model, lookup.source(), DEFAULT_UNCERTAINTY);
    }

    public double activeWattsPerCpu() {
        return wattsPerCpu * (1 - idleFraction);
    }

    public double idleWatts() {
        return wattsPerCpu * idleFraction * allottedCpus;
    }
}
