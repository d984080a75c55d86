package dev.joule.energy.meter.analytic;

import java.util.EnumMap;
import java.util.Map;

/**
 * Energy per operation for one process node, in picojoules. Tables are plain data: a new node is a
 * new instance, not new code.
 *
 * @param name e.g. {@code horowitz-45nm}
 * @param multPj energy of one multiply per precision
 * @param addPj energy of one add per precision
 * @param sramPjPerByte on-chip memory access per byte
 * @param dramPjPerByte main-memory access per byte
 * @param macPj if positive, overrides mult + add for a MAC (the SNN convention fixes E_MAC = 4.6 pJ)
 * @param acPj if positive, overrides the add for an accumulate (the SNN convention: E_AC = 0.9 pJ)
 * @param source where the numbers come from
 */
public record OpEnergyTable(String name, Map<OpCounts.Precision, Double> multPj, Map<OpCounts.Precision, Double> addPj,
        double sramPjPerByte, double dramPjPerByte, double macPj, double acPj, String source) {

    /**
     * Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm at 0.9 V. SRAM: 10 pJ per 64-bit read
     * of an 8 KB array; DRAM: 1.3–2.6 nJ per 64-bit access (the low end, 1300 pJ, is used). INT32 add
     * 0.1, mult 3.1; FP16 add 0.4, mult 1.1.
     */
    public static OpEnergyTable horowitz45nm() {
        Map<OpCounts.Precision, Double> mult = new EnumMap<>(OpCounts.Precision.class);
        Map<OpCounts.Precision, Double> add = new EnumMap<>(OpCounts.Precision.class);
        mult.put(OpCounts.Precision.FP32, 3.7);
        add.put(OpCounts.Precision.FP32, 0.9);
        mult.put(OpCounts.Precision.FP16, 1.1);
        add.put(OpCounts.Precision.FP16, 0.4);
        mult.put(OpCounts.Precision.INT8, 0.2);
        add.put(OpCounts.Precision.INT8, 0.03);
        mult.put(OpCounts.Precision.INT32, 3.1);
        add.put(OpCounts.Precision.INT32, 0.1);
        return new OpEnergyTable("horowitz-45nm", mult, add, 10.0 / 8, 1300.0 / 8, 0, 0,
                "Horowitz, ISSCC 2014, 45 nm 0.9 V");
    }

    /**
     * The spiking-network convention: E_MAC = 4.6 pJ (FP32 mult + add), E_AC = 0.9 pJ, 45 nm, with
     * Horowitz's memory costs kept so that data movement is not forgotten (Yan et al., arXiv 2409.08290).
     */
    public static OpEnergyTable snn45nm() {
        OpEnergyTable h = horowitz45nm();
        return new OpEnergyTable("snn-45nm", h.multPj, h.addPj, h.sramPjPerByte, h.dramPjPerByte, 4.6, 0.9,
                "SNN convention E_MAC 4.6 pJ, E_AC 0.9 pJ (45 nm, after Horowitz 2014)");
    }

    /** Picojoules of arithmetic (MACs, ACs, other flops) for these counts. */
    public double computePicojoules(OpCounts ops) {
        double mult = multPj.getOrDefault(ops.precision(), Double.NaN);
        double add = addPj.getOrDefault(ops.precision(), Double.NaN);
        if (Double.isNaN(mult) || Double.isNaN(add)) {
            throw new IllegalArgumentException("op table " + name + " has no energy for " + ops.precision()
                    + "; it covers " + multPj.keySet());
        }
        double mac = macPj > 0 ? macPj : mult + add;
        double ac = acPj > 0 ? acPj : add;
        return ops.macs() * mac + ops.accumulates() * ac + ops.otherFlops() * add;
    }

    /** Picojoules of memory traffic for these counts. */
    public double memoryPicojoules(OpCounts ops) {
        return ops.sramBytes() * sramPjPerByte + ops.dramBytes() * dramPjPerByte;
    }
}
