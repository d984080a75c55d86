package dev.joule.energy.meter.cputime;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterReading;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Estimates CPU and DRAM energy of a process tree from its CPU time and resident memory
 * ({@link CpuTimeModel}); source {@code model-cpu-time}, always labelled an estimate.
 */
public final class CpuTimeMeter implements EnergyMeter {
    public static final String SOURCE = "model-cpu-time";

    private final ProcFs proc;
    private final long pid;
    private final boolean includeSelf;
    private final CpuTimeModel model;
    private final long ticksPerSecond;
    private final long pageBytes;
    private final long startNanos;
    private final long startTicks;
    private long maxTicks;
    private long lastNanos;
    private double lastResidentGb;
    private double dramJoules;

    /**
     * @param pid root of the measured process tree
     * @param includeSelf whether the root's own CPU time and memory count (true in a library, false
     *     when the root only launches and observes the measured command)
     */
    public CpuTimeMeter(ProcFs proc, long pid, boolean includeSelf, CpuTimeModel model, long ticksPerSecond,
            long pageBytes) {
        this.proc = proc;
        this.pid = pid;
        this.includeSelf = includeSelf;
        this.model = model;
        this.ticksPerSecond = ticksPerSecond;
        this.pageBytes = pageBytes;
        ProcFs.TreeUsage usage = proc.treeUsage(pid, includeSelf);
        this.startNanos = System.nanoTime();
        this.lastNanos = startNanos;
        this.startTicks = usage.ticks();
        this.maxTicks = usage.ticks();
        this.lastResidentGb = residentGb(usage);
    }

    /** The meter for this JVM's process tree on this machine. */
    public static CpuTimeMeter forThisProcess(boolean includeSelf) {
        return new CpuTimeMeter(ProcFs.system(), ProcessHandle.current().pid(), includeSelf,
                CpuTimeModel.detect(SystemInfo.system(), CpuPowerTable.bundled()),
                NativeConstants.CLOCK_TICKS_PER_SECOND, NativeConstants.PAGE_SIZE_BYTES);
    }

    /** Whether this machine has a readable {@code /proc} for the meter to use. */
    public static boolean supported() {
        return ProcFs.system().stat(ProcessHandle.current().pid()).isPresent();
    }

    public CpuTimeModel model() {
        return model;
    }

    @Override
    public String name() {
        return SOURCE;
    }

    @Override
    public String describe() {
        return SOURCE + ": " + model.cpuModel() + ", " + String.format("%.2f", model.wattsPerCpu())
                + " W per CPU (" + model.powerSource() + "), idle share " + (int) (model.idleFraction() * 100)
                + " % of " + String.format("%.1f", model.allottedCpus()) + " CPUs, memory "
                + model.dramWattsPerGb() + " W/GB, ±" + (int) (model.uncertaintyFraction() * 100) + " %";
    }

    @Override
    public Set<Component> components() {
        return EnumSet.of(Component.CPU, Component.DRAM);
    }

    @Override
    public synchronized MeterReading read() {
        long now = System.nanoTime();
        ProcFs.TreeUsage usage = proc.treeUsage(pid, includeSelf);
        // A child reaped between two scans briefly vanishes from the live sum before its parent's cutime
        // grows; CPU time never decreases, so keep the maximum seen.
        maxTicks = Math.max(maxTicks, usage.ticks());
        double residentGb = residentGb(usage);
        double dt = (now - lastNanos) / 1e9;
        dramJoules += 0.5 * (residentGb + lastResidentGb) * dt * model.dramWattsPerGb();
        lastResidentGb = residentGb;
        lastNanos = now;

        double cpuSeconds = (maxTicks - startTicks) / (double) ticksPerSecond;
        double wallSeconds = (now - startNanos) / 1e9;
        double idleJoules = wallSeconds * model.idleWatts();
        double cpuJoules = cpuSeconds * model.activeWattsPerCpu() + idleJoules;
        return MeterReading.of(now, List.of(
                new ComponentEnergy(Component.CPU, cpuJoules, idleJoules, SOURCE, true, model.uncertaintyFraction()),
                // Memory power in this model does not depend on activity, so all of it is the idle share.
                new ComponentEnergy(Component.DRAM, dramJoules, dramJoules, SOURCE, true, model.uncertaintyFraction())),
                0, cpuSeconds);
    }

    private double residentGb(ProcFs.TreeUsage usage) {
        double bytes = Math.min((double) usage.residentPages() * pageBytes, model.memoryCapBytes());
        return bytes / 1e9;
    }

    /** Ten clock ticks: below that the CPU time is quantised by more than 10 %. */
    @Override
    public Duration resolution() {
        return Duration.ofMillis(10_000 / ticksPerSecond);
    }
}
