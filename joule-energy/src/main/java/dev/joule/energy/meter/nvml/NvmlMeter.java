package dev.joule.energy.meter.nvml;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU energy over all NVIDIA devices. Each device uses its total-energy counter (Volta and newer);
 * a device without one, or whose counter stays still while the GPU draws power, is measured by
 * polling power on a daemon thread and integrating it with the trapezoidal rule. The second case is
 * CodeCarbon's silent 0 kWh (#1316); here it becomes {@code nvml-power-integrated}.
 */
public final class NvmlMeter implements EnergyMeter {
    private static final Logger LOG = LoggerFactory.getLogger(NvmlMeter.class);
    /** NVML's energy counter updates about every 100 ms (Zeus, ML.ENERGY). */
    private static final Duration RESOLUTION = Duration.ofMillis(100);
    /** A counter still after this long while the GPU draws power is considered broken. */
    private static final long STUCK_COUNTER_NANOS = 2_000_000_000L;
    /** Power above this means "not idle" for the stuck-counter check. */
    private static final double BUSY_WATTS = 1.0;

    private final NvmlApi nvml;
    private final List<Device> devices = new ArrayList<>();
    private final ScheduledExecutorService poller;

    /** Per-device state; every field is guarded by the meter's lock. */
    private static final class Device {
        final int index;
        boolean counterMode;
        long firstMillijoules;
        long lastMillijoules;
        long lastCounterChangeNanos;
        double integratedJoules;
        double lastWatts = Double.NaN;
        long lastPowerNanos;

        Device(int index) {
            this.index = index;
        }
    }

    /**
     * @param powerPollInterval how often devices without a counter are polled (≥ 10 Hz recommended)
     */
    public NvmlMeter(NvmlApi nvml, Duration powerPollInterval) {
        this.nvml = nvml;
        long now = System.nanoTime();
        for (int i = 0; i < nvml.deviceCount(); i++) {
            Device d = new Device(i);
            OptionalLong mj = nvml.totalEnergyMillijoules(i);
            d.counterMode = mj.isPresent();
            d.firstMillijoules = mj.orElse(0);
            d.lastMillijoules = d.firstMillijoules;
            d.lastCounterChangeNanos = now;
            devices.add(d);
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "joule-nvml-power");
            t.setDaemon(true);
            return t;
        });
        long periodNanos = Math.max(1_000_000L, powerPollInterval.toNanos());
        poller.scheduleAtFixedRate(this::pollPower, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** The meter for this machine's NVIDIA GPUs, or empty when there is no NVML or no device. */
    public static java.util.Optional<NvmlMeter> open() {
        return JnaNvml.load().filter(api -> api.deviceCount() > 0).map(api -> new NvmlMeter(api, Duration.ofMillis(100)));
    }

    private synchronized void pollPower() {
        long now = System.nanoTime();
        for (Device d : devices) {
            OptionalLong mw = nvml.powerMilliwatts(d.index);
            if (mw.isEmpty()) {
                continue;
            }
            double watts = mw.getAsLong() / 1000.0;
            if (!Double.isNaN(d.lastWatts)) {
                d.integratedJoules += 0.5 * (watts + d.lastWatts) * (now - d.lastPowerNanos) / 1e9;
            }
            d.lastWatts = watts;
            d.lastPowerNanos = now;
            if (d.counterMode) {
                checkCounter(d, now);
            }
        }
    }

    private void checkCounter(Device d, long now) {
        OptionalLong mj = nvml.totalEnergyMillijoules(d.index);
        if (mj.isEmpty()) {
            switchToPower(d, "its energy counter stopped answering");
            return;
        }
        if (mj.getAsLong() != d.lastMillijoules) {
            d.lastMillijoules = mj.getAsLong();
            d.lastCounterChangeNanos = now;
        } else if (now - d.lastCounterChangeNanos > STUCK_COUNTER_NANOS && d.lastWatts > BUSY_WATTS) {
            switchToPower(d, "its energy counter stayed at " + d.lastMillijoules + " mJ for 2 s while drawing "
                    + d.lastWatts + " W");
        }
    }

    private void switchToPower(Device d, String why) {
        LOG.warn("GPU {} ({}): {}; integrating polled power instead", d.index, nvml.deviceName(d.index), why);
        // Keep the counter's energy up to its last change, then continue with integrated power from there.
        d.integratedJoules = (d.lastMillijoules - d.firstMillijoules) / 1000.0;
        d.counterMode = false;
    }

    /** The product name of each GPU, in NVML index order. */
    public List<String> deviceNames() {
        List<String> names = new ArrayList<>();
        for (Device d : devices) {
            names.add(nvml.deviceName(d.index));
        }
        return names;
    }

    /** The GPUs behind a meter (itself NVML, or a composite holding one); empty when none. */
    public static List<String> deviceNames(EnergyMeter meter) {
        if (meter instanceof NvmlMeter nvml) {
            return nvml.deviceNames();
        }
        if (meter instanceof dev.joule.energy.meter.CompositeMeter composite) {
            return composite.meters().stream().flatMap(m -> deviceNames(m).stream()).toList();
        }
        return List.of();
    }

    @Override
    public String name() {
        return "nvml";
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("nvml:");
        for (Device d : devices) {
            sb.append(' ').append(nvml.deviceName(d.index)).append(d.counterMode ? " (energy counter)" : " (power polling)");
        }
        return sb.toString();
    }

    @Override
    public Set<Component> components() {
        return EnumSet.of(Component.GPU);
    }

    @Override
    public synchronized MeterReading read() {
        long now = System.nanoTime();
        double joules = 0;
        boolean allCounters = true;
        for (Device d : devices) {
            if (d.counterMode) {
                OptionalLong mj = nvml.totalEnergyMillijoules(d.index);
                if (mj.isPresent() && mj.getAsLong() != d.lastMillijoules) {
                    d.lastMillijoules = mj.getAsLong();
                    d.lastCounterChangeNanos = now;
                }
                joules += (d.lastMillijoules - d.firstMillijoules) / 1000.0;
            } else {
                allCounters = false;
                joules += d.integratedJoules;
            }
        }
        String source = allCounters ? "nvml-energy" : "nvml-power-integrated";
        double uncertainty = allCounters ? 0.05 : 0.1;
        return MeterReading.of(now, List.of(new ComponentEnergy(Component.GPU, joules, Double.NaN, source, false,
                uncertainty)), 0, Double.NaN);
    }

    @Override
    public Duration resolution() {
        return RESOLUTION;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        nvml.close();
    }
}
