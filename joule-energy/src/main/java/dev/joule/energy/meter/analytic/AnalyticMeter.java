package dev.joule.energy.meter.analytic;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterReading;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Energy from operation counts: whoever runs the work calls {@link #record(OpCounts)} and the meter
 * turns counts into joules with an {@link OpEnergyTable}. Source {@code model-analytic}. Arithmetic is
 * charged to the compute component (CPU by default, GPU when the ops ran there) and memory traffic to
 * DRAM. It is a lower bound on real energy: static power, control and caches between SRAM and DRAM
 * are not in the table.
 */
public final class AnalyticMeter implements EnergyMeter {
    public static final String SOURCE = "model-analytic";
    /** A per-op table predicts real chips within a factor of about two at best, hence ±100 %. */
    private static final double UNCERTAINTY = 1.0;

    private final OpEnergyTable table;
    private final Component computeComponent;
    private final DoubleAdder computePicojoules = new DoubleAdder();
    private final DoubleAdder memoryPicojoules = new DoubleAdder();

    public AnalyticMeter(OpEnergyTable table, Component computeComponent) {
        this.table = table;
        this.computeComponent = computeComponent;
    }

    public AnalyticMeter() {
        this(OpEnergyTable.horowitz45nm(), Component.CPU);
    }

    /** Adds the energy of these operations; cheap and safe from any thread. */
    public void record(OpCounts ops) {
        computePicojoules.add(table.computePicojoules(ops));
        memoryPicojoules.add(table.memoryPicojoules(ops));
    }

    /** Joules for counts, without recording them. */
    public double joules(OpCounts ops) {
        return (table.computePicojoules(ops) + table.memoryPicojoules(ops)) * 1e-12;
    }

    public OpEnergyTable table() {
        return table;
    }

    @Override
    public String name() {
        return "analytic";
    }

    @Override
    public String describe() {
        return SOURCE + ": " + table.name() + " (" + table.source() + ")";
    }

    @Override
    public Set<Component> components() {
        return EnumSet.of(computeComponent, Component.DRAM);
    }

    @Override
    public MeterReading read() {
        return MeterReading.of(System.nanoTime(), List.of(
                new ComponentEnergy(computeComponent, computePicojoules.sum() * 1e-12, 0, SOURCE, true, UNCERTAINTY),
                new ComponentEnergy(Component.DRAM, memoryPicojoules.sum() * 1e-12, 0, SOURCE, true, UNCERTAINTY)),
                0, Double.NaN);
    }

    /** Counts are exact, so any window resolves. */
    @Override
    public Duration resolution() {
        return Duration.ZERO;
    }
}
