package dev.joule.energy.meter;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Cumulative energies at one instant (or, after {@link #since}, the energy between two instants).
 *
 * @param nanoTime {@link System#nanoTime()} of the reading
 * @param components energy per component, in meter order
 * @param droppedIntervals counter intervals dropped as implausible (resets, glitches, ambiguous wraps)
 * @param cpuSeconds CPU time of the measured processes, or NaN when the meter does not know it
 */
public record MeterReading(long nanoTime, Map<Component, ComponentEnergy> components, int droppedIntervals,
        double cpuSeconds) {

    public MeterReading {
        Map<Component, ComponentEnergy> copy = new EnumMap<>(Component.class);
        copy.putAll(components);
        components = java.util.Collections.unmodifiableMap(copy);
    }

    public static MeterReading of(long nanoTime, List<ComponentEnergy> parts, int dropped, double cpuSeconds) {
        Map<Component, ComponentEnergy> map = new EnumMap<>(Component.class);
        for (ComponentEnergy part : parts) {
            map.put(part.component(), part);
        }
        return new MeterReading(nanoTime, map, dropped, cpuSeconds);
    }

    /** The energy between {@code start} and this reading. */
    public MeterReading since(MeterReading start) {
        List<ComponentEnergy> parts = new ArrayList<>();
        for (ComponentEnergy end : components.values()) {
            ComponentEnergy begin = start.components.get(end.component());
            parts.add(begin == null ? end : end.minus(begin));
        }
        double cpu = Double.isNaN(cpuSeconds) || Double.isNaN(start.cpuSeconds) ? Double.NaN : cpuSeconds - start.cpuSeconds;
        return of(nanoTime - start.nanoTime, parts, droppedIntervals - start.droppedIntervals, cpu);
    }

    /** Sum of the components that count towards IT energy (PSYS excluded). */
    public double totalJoules() {
        double sum = 0;
        for (ComponentEnergy part : components.values()) {
            if (part.component().summedIntoTotal()) {
                sum += part.joules();
            }
        }
        return sum;
    }

    /** Merges readings of several meters taken at about the same time. */
    public static MeterReading merge(long nanoTime, List<MeterReading> readings) {
        List<ComponentEnergy> parts = new ArrayList<>();
        int dropped = 0;
        double cpu = Double.NaN;
        for (MeterReading r : readings) {
            parts.addAll(r.components.values());
            dropped += r.droppedIntervals;
            if (!Double.isNaN(r.cpuSeconds)) {
                cpu = r.cpuSeconds;
            }
        }
        return of(nanoTime, parts, dropped, cpu);
    }
}
