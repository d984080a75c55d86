package dev.joule.energy.meter;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Several meters read as one. Each component comes from the first meter, in priority order, that
 * reports it: RAPL's CPU wins over the CPU-time model, while the model can still supply DRAM on a
 * machine whose RAPL has no DRAM zone (AMD).
 */
public final class CompositeMeter implements EnergyMeter {
    private final List<EnergyMeter> meters;
    private final Map<Component, EnergyMeter> owners = new EnumMap<>(Component.class);

    public CompositeMeter(List<EnergyMeter> metersByPriority) {
        this.meters = List.copyOf(metersByPriority);
        for (EnergyMeter m : meters) {
            for (Component c : m.components()) {
                owners.putIfAbsent(c, m);
            }
        }
    }

    public List<EnergyMeter> meters() {
        return meters;
    }

    /** Which meter supplies each component. */
    public Map<Component, EnergyMeter> owners() {
        return Map.copyOf(owners);
    }

    @Override
    public String name() {
        return meters.stream().map(EnergyMeter::name).distinct().collect(Collectors.joining("+"));
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Component, EnergyMeter> e : owners.entrySet()) {
            parts.add(e.getKey().column() + " from " + e.getValue().name());
        }
        return String.join(", ", parts) + "; " + meters.stream().map(EnergyMeter::describe).collect(Collectors.joining("; "));
    }

    @Override
    public Set<Component> components() {
        return owners.keySet();
    }

    @Override
    public MeterReading read() {
        List<ComponentEnergy> parts = new ArrayList<>();
        int dropped = 0;
        double cpuSeconds = Double.NaN;
        for (EnergyMeter m : meters) {
            MeterReading r = m.read();
            for (ComponentEnergy part : r.components().values()) {
                if (owners.get(part.component()) == m) {
                    parts.add(part);
                }
            }
            dropped += r.droppedIntervals();
            if (Double.isNaN(cpuSeconds)) {
                cpuSeconds = r.cpuSeconds();
            }
        }
        return MeterReading.of(System.nanoTime(), parts, dropped, cpuSeconds);
    }

    @Override
    public Duration resolution() {
        Duration worst = Duration.ZERO;
        for (EnergyMeter m : owners.values()) {
            worst = m.resolution().compareTo(worst) > 0 ? m.resolution() : worst;
        }
        return worst;
    }

    @Override
    public java.util.Optional<Duration> longestSafeInterval() {
        return meters.stream().map(EnergyMeter::longestSafeInterval).flatMap(java.util.Optional::stream)
                .min(Duration::compareTo);
    }

    @Override
    public void close() {
        meters.forEach(EnergyMeter::close);
    }
}
