package dev.joule.energy.meter.rapl;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterReading;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Reads RAPL energy counters through powercap sysfs: packages summed into CPU, DRAM zones summed into
 * DRAM, psys reported apart. Each zone has its own {@link CounterAccumulator} for wraps and resets.
 */
public final class RaplMeter implements EnergyMeter {
    /** Zeus's bound: no RAPL domain of today draws more than this. */
    public static final double DEFAULT_MAX_POWER_WATTS = 1000;
    /** RAPL updates its counters about every millisecond. */
    private static final Duration RESOLUTION = Duration.ofMillis(1);
    /** RAPL is a model inside the CPU, validated within a few percent for packages (Desrochers et al. 2016). */
    private static final double UNCERTAINTY = 0.05;

    private final RaplDomains domains;
    private final LongSupplier clock;
    private final List<Tracked> tracked = new ArrayList<>();
    private int readFailures;

    private record Tracked(RaplZone zone, Component component, CounterAccumulator counter) {}

    private RaplMeter(RaplDomains domains, double maxPowerWatts, LongSupplier clock) {
        this.domains = domains;
        this.clock = clock;
        for (RaplZone zone : domains.all()) {
            Component component = zone.isPsys() ? Component.PSYS : zone.isDram() ? Component.DRAM : Component.CPU;
            tracked.add(new Tracked(zone, component, new CounterAccumulator(zone.maxRangeMicroJoules(), maxPowerWatts)));
        }
        read();
    }

    /**
     * Opens the RAPL meter under {@code sysfsRoot}, or returns empty when the machine has no RAPL zones.
     *
     * @throws RaplUnreadableException when zones exist but a counter cannot be read (root-only)
     */
    public static Optional<RaplMeter> open(Path sysfsRoot, double maxPowerWatts) {
        return open(sysfsRoot, maxPowerWatts, System::nanoTime);
    }

    /** As {@link #open(Path, double)}, with the clock that times each read (tests step it by hand). */
    public static Optional<RaplMeter> open(Path sysfsRoot, double maxPowerWatts, LongSupplier clock) {
        RaplDomains domains = RaplDomains.choose(RaplDiscovery.discover(sysfsRoot));
        if (domains.isEmpty()) {
            return Optional.empty();
        }
        for (RaplZone zone : domains.all()) {
            try {
                readCounter(zone.energyFile());
            } catch (AccessDeniedException | SecurityException e) {
                throw new RaplUnreadableException(zone.energyFile(), e);
            } catch (IOException | NumberFormatException e) {
                throw new RaplUnreadableException(zone.energyFile(), e);
            }
        }
        return Optional.of(new RaplMeter(domains, maxPowerWatts, clock));
    }

    public static Optional<RaplMeter> open(Path sysfsRoot) {
        return open(sysfsRoot, DEFAULT_MAX_POWER_WATTS);
    }

    private static long readCounter(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }

    @Override
    public String name() {
        return "rapl";
    }

    @Override
    public String describe() {
        return "rapl: " + domains;
    }

    @Override
    public Set<Component> components() {
        Set<Component> set = EnumSet.noneOf(Component.class);
        tracked.forEach(t -> set.add(t.component()));
        return set;
    }

    public RaplDomains domains() {
        return domains;
    }

    @Override
    public synchronized MeterReading read() {
        long now = clock.getAsLong();
        double[] microJoules = new double[Component.values().length];
        int dropped = 0;
        for (Tracked t : tracked) {
            try {
                t.counter().update(readCounter(t.zone().energyFile()), now);
            } catch (IOException | NumberFormatException | SecurityException e) {
                readFailures++;
            }
            microJoules[t.component().ordinal()] += t.counter().totalMicroJoules();
            dropped += t.counter().droppedIntervals();
        }
        dropped += readFailures;
        List<ComponentEnergy> parts = new ArrayList<>();
        for (Component c : components()) {
            parts.add(new ComponentEnergy(c, microJoules[c.ordinal()] / 1e6, Double.NaN, source(c), false, UNCERTAINTY));
        }
        return MeterReading.of(now, parts, dropped, Double.NaN);
    }

    private static String source(Component c) {
        return switch (c) {
            case DRAM -> "rapl-dram";
            case PSYS -> "rapl-psys";
            default -> "rapl-pkg";
        };
    }

    @Override
    public Duration resolution() {
        return RESOLUTION;
    }

    /** The longest sampling interval that keeps every zone's wraps unambiguous at full power. */
    @Override
    public Optional<Duration> longestSafeInterval() {
        double seconds = tracked.stream().mapToDouble(t -> t.counter().safeIntervalSeconds()).min().orElse(60);
        return Optional.of(Duration.ofMillis(Math.max(1, (long) Math.min(seconds * 1000, 60_000))));
    }
}
