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
            return OptionalLong.of(123_000 + mj);
        }

        @Override
        public OptionalLong powerMilliwatts(int index) {
            return OptionalLong.of((long) (watts * 1000));
        }
    }

    private static ComponentEnergy gpuAfter(NvmlMeter meter, long millis) throws InterruptedException {
        Thread.sleep(millis);
        return meter.read().components().get(Component.GPU);
    }

    @Test
    void energyCounterDeltasFromOpening() throws InterruptedException {
        try (NvmlMeter meter = new NvmlMeter(new FakeGpu(100, true, false), Duration.ofMillis(10))) {
            ComponentEnergy gpu = gpuAfter(meter, 300);
            assertEquals("nvml-energy", gpu.source());
            assertEquals(java.util.List.of("Fake GPU"), NvmlMeter.deviceNames(meter));
            assertTrue(gpu.joules() >= 25 && gpu.joules() < 100, "about 100 W x 0.3 s, got " + gpu.joules());
        }
    }

    @Test
    void preVoltaGpuWithoutCounterIsIntegratedFromPowerNeverZero() throws InterruptedException {
        try (NvmlMeter meter = new NvmlMeter(new FakeGpu(50, false, false), Duration.ofMillis(10))) {
            ComponentEnergy gpu = gpuAfter(meter, 300);
            assertEquals("nvml-power-integrated", gpu.source());
            assertTrue(gpu.joules() > 5, "a busy GPU must not read 0 J, got " + gpu.joules());
        }
    }

    @Test
    void counterStuckWhileDrawingPowerSwitchesToIntegration() throws InterruptedException {
        try (NvmlMeter meter = new NvmlMeter(new FakeGpu(200, true, true), Duration.ofMillis(20))) {
            ComponentEnergy gpu = gpuAfter(meter, 2600);
            assertEquals("nvml-power-integrated", gpu.source());
            assertTrue(gpu.joules() > 10, "got " + gpu.joules());
        }
    }

    @Test
    void noLibraryMeansUnavailableNotAnError() {
        // On machines without the NVIDIA driver this is empty; with one it is a real meter. Either way no exception.
        NvmlMeter.open().ifPresent(NvmlMeter::close);
    }
}
