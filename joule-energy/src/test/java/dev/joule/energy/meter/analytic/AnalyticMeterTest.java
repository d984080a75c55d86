package dev.joule.energy.meter.analytic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.energy.Component;
import dev.joule.energy.meter.MeterReading;
import org.junit.jupiter.api.Test;

class AnalyticMeterTest {
    @Test
    void horowitzFp32MacIsMultPlusAdd() {
        AnalyticMeter meter = new AnalyticMeter();
        meter.record(OpCounts.fp32(1_000_000, 0, 0));
        MeterReading r = meter.read();
        assertEquals(4.6e-6, r.components().get(Component.CPU).joules(), 1e-15);
        assertEquals("model-analytic", r.components().get(Component.CPU).source());
    }

    @Test
    void int8IsCheaperAndDramDominates() {
        OpEnergyTable t = OpEnergyTable.horowitz45nm();
        OpCounts int8 = new OpCounts(1000, 0, 0, 0, 0, OpCounts.Precision.INT8);
        assertEquals(1000 * 0.23, t.computePicojoules(int8), 1e-9);
        OpCounts dram = new OpCounts(0, 0, 0, 0, 8, OpCounts.Precision.FP32);
        assertEquals(1300, t.memoryPicojoules(dram), 1e-9, "one 64-bit DRAM access");
    }

    @Test
    void snnConventionWorkedExample() {
        // 0.9 pJ x T=6 x firing rate 0.03 x 141 M = 22.8 uJ vs 4.6 pJ x 141 M = 648.6 uJ for the ANN.
        OpEnergyTable snn = OpEnergyTable.snn45nm();
        long acs = Math.round(6 * 0.03 * 141e6);
        assertEquals(22.8e-6, snn.computePicojoules(new OpCounts(0, acs, 0, 0, 0, OpCounts.Precision.FP32)) * 1e-12, 0.05e-6);
        assertEquals(648.6e-6, snn.computePicojoules(new OpCounts(141_000_000, 0, 0, 0, 0, OpCounts.Precision.FP32)) * 1e-12,
                1e-9);
    }

    @Test
    void mixingPrecisionsInOneCountIsRefused() {
        OpCounts a = OpCounts.fp32(1, 0, 0);
        OpCounts b = new OpCounts(1, 0, 0, 0, 0, OpCounts.Precision.INT8);
        assertThrows(IllegalArgumentException.class, () -> a.plus(b));
    }
}
