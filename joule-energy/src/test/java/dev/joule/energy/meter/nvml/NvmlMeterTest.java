package dev.joule.energy.meter.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NvmlMeterTest {
    /** One fake GPU drawing a constant power; its energy counter may be missing or stuck. */
    static final class FakeGpu implements NvmlApi {
        final long startNanos = System.nanoTime();
        final double watts;
        final boolean hasCounter;
        final boolean counterStuck;
        volatile long counterOffsetMillijoules;

        FakeGpu(double watts, boolean hasCounter, boolean counterStuck) {
            this.watts = watts;
            this.hasCounter = hasCounter;
            this.counterStuck = counterStuck;
        }

        @Override
        public int deviceCount() {
            return 1;
        }

        @Override
        public String deviceName(int index) {
            return "Fake GPU";
        }

        @Override
        public OptionalLong totalEnergyMillijoules(int index) {
            if (!hasCounter) {
                return OptionalLong.empty();
            }
            long mj = counterStuck ? 0 : (long) (watts * (System.nanoTime() - startNanos) / 1e6);
            return OptionalLong.of(123_000 + mj + counterOffsetMillijoules);
        }

        @Override
        public OptionalLong powerMilliwatts(int index) {
            return OptionalLong.of((long) (watts * 1000));
        }
    }

    @Test
    void energyCounterDeltasFromOpening() {
        FakeGpu gpu = new FakeGpu(100, true, true);
        try (NvmlMeter meter = new NvmlMeter(gpu, Duration.ofMillis(10))) {
            gpu.counterOffsetMillijoules = 2_500;
            ComponentEnergy e = meter.read().components().get(Component.GPU);
            assertEquals("nvml-energy", e.source());
            assertEquals(2.5, e.joules(), 1e-12);
            assertEquals(java.util.List.of("Fake GPU"), NvmlMeter.deviceNames(meter));
        }
    }

    @Test
    void preVoltaGpuWithoutCounterIsIntegratedFromPowerNeverZero() throws InterruptedException {
        long start = System.nanoTime();
        try (NvmlMeter meter = new NvmlMeter(new FakeGpu(50, false, false), Duration.ofMillis(10))) {
            ComponentEnergy e = awaitPositive(meter);
            double elapsed = (System.nanoTime() - start) / 1e9;
            assertEquals("nvml-power-integrated", e.source());
            assertTrue(e.joules() > 0 && e.joules() <= 50 * elapsed + 1e-9, e.joules() + " J in " + elapsed + " s");
        }
    }

    @Test
    void counterStuckWhileDrawingPowerSwitchesToIntegration() throws InterruptedException {
        try (NvmlMeter meter = new NvmlMeter(new FakeGpu(200, true, true), Duration.ofMillis(20))) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            ComponentEnergy e = meter.read().components().get(Component.GPU);
            while (!e.source().equals("nvml-power-integrated") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                e = meter.read().components().get(Component.GPU);
            }
            assertEquals("nvml-power-integrated", e.source());
            awaitPositive(meter);
        }
    }

    private static ComponentEnergy awaitPositive(NvmlMeter meter) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        ComponentEnergy e = meter.read().components().get(Component.GPU);
        while (e.joules() <= 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            e = meter.read().components().get(Component.GPU);
        }
        assertTrue(e.joules() > 0, "a busy GPU must not read 0 J");
        return e;
    }

    @Test
    void noLibraryMeansUnavailableNotAnError() {
        // On machines without the NVIDIA driver this is empty; with one it is a real meter. Either way no exception.
        NvmlMeter.open().ifPresent(NvmlMeter::close);
    }
}
