package dev.joule.energy.meter;

import dev.joule.energy.EnergyException;
import dev.joule.energy.meter.analytic.AnalyticMeter;
import dev.joule.energy.meter.cputime.CpuTimeMeter;
import dev.joule.energy.meter.nvml.NvmlMeter;
import dev.joule.energy.meter.rapl.RaplMeter;
import dev.joule.energy.meter.rapl.RaplUnreadableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens meters: automatically (RAPL, then NVML for GPUs, then the CPU-time model for whatever is left)
 * or by name. The choice is logged once per JVM and kept in the {@link MeterSelection}.
 */
public final class Meters {
    private static final Logger LOG = LoggerFactory.getLogger(Meters.class);
    private static volatile String lastLogged;

    public static final List<String> NAMES = List.of("auto", "rapl", "nvml", "model-cpu-time", "analytic");

    private Meters() {}

    public static MeterSelection open(MeterOptions options) {
        MeterSelection selection = switch (options.choice()) {
            case "auto" -> auto(options);
            case "rapl" -> new MeterSelection(rapl(options).orElseThrow(() -> new EnergyException(
                    "meter 'rapl': no RAPL zones under " + options.sysfsRoot().resolve("class/powercap")
                    + " (a VM, a container without /sys/class/powercap, or not x86); use --meter auto")), List.of());
            case "nvml" -> new MeterSelection(NvmlMeter.open().orElseThrow(() -> new EnergyException(
                    "meter 'nvml': libnvidia-ml.so not found or no NVIDIA GPU; install the NVIDIA driver or use --meter auto")),
                    List.of());
            case "model-cpu-time" -> new MeterSelection(cpuTime(options), List.of());
            case "analytic" -> new MeterSelection(new AnalyticMeter(), List.of());
            default -> throw new EnergyException("unknown meter '" + options.choice() + "'; known meters: "
                    + String.join(", ", NAMES));
        };
        String summary = selection.summary();
        if (!summary.equals(lastLogged)) {
            lastLogged = summary;
            selection.notes().forEach(LOG::warn);
            LOG.info("energy meters: {}", selection.meter().describe());
        }
        return selection;
    }

    private static MeterSelection auto(MeterOptions options) {
        List<EnergyMeter> meters = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            rapl(options).ifPresent(meters::add);
        } catch (RaplUnreadableException e) {
            notes.add(e.getMessage() + "; falling back to the CPU-time model");
        }
        NvmlMeter.open().ifPresent(meters::add);
        if (CpuTimeMeter.supported()) {
            meters.add(cpuTime(options));
        } else if (meters.isEmpty()) {
            throw new EnergyException("no energy meter works here: no RAPL, no NVML and no readable /proc/self/stat; "
                    + "joule-energy needs Linux (or the analytic meter, fed with op counts)");
        }
        return new MeterSelection(meters.size() == 1 ? meters.get(0) : new CompositeMeter(meters), notes);
    }

    private static Optional<EnergyMeter> rapl(MeterOptions options) {
        return RaplMeter.open(options.sysfsRoot()).map(m -> m);
    }

    private static EnergyMeter cpuTime(MeterOptions options) {
        return CpuTimeMeter.forThisProcess(options.includeSelf());
    }
}
