package dev.joule.energy.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.Component;
import dev.joule.energy.carbon.CarbonIntensityTable;
import dev.joule.energy.carbon.CarbonSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EnergyTrackerTest {
    private static TrackerConfig config(ManualMeter meter) {
        CarbonSettings fr = new CarbonSettings(CarbonIntensityTable.bundled().require("FR"), 1.2, 0, "flag");
        return TrackerConfig.defaults().withMeter(meter).withCarbon(fr);
    }

    @Test
    void runReportsEnergyPerComponentWithSourcesAndCarbon() {
        ManualMeter meter = new ManualMeter(20, 2, 100, Duration.ofMillis(10));
        EnergyRun run = EnergyTracker.start("train", config(meter));
        try (run) {
            meter.advanceMillis(2000);
        }
        EnergyReport r = run.report();
        assertEquals(2.0, r.durationSeconds(), 1e-9);
        assertEquals(40.0, r.component(Component.CPU).joules(), 1e-9);
        assertEquals(200.0, r.component(Component.GPU).joules(), 1e-9);
        assertEquals("test-gpu", r.component(Component.GPU).source());
        assertEquals("test-cpu+test-gpu", r.totalSources(), "the sources summed into the total, in name order");
        assertEquals(120.0, r.meanPowerWatts(), 1e-9);
        assertEquals(240.0 / 3.6e6, r.carbon().itEnergyKwh(), 1e-15);
        assertEquals(240.0 / 3.6e6 * 0.2, r.carbon().facilityEnergyKwh(), 1e-15);
        assertEquals(240.0 / 3.6e6 * 1.2 * 56.0 / 1000, r.carbon().emissionsKg(), 1e-15);
    }

    @Test
    void nestedWindowsMeasureTheirOwnSpan() {
        ManualMeter meter = new ManualMeter(10, 1, 0, Duration.ofMillis(10));
        EnergyRun run = EnergyTracker.start("job", config(meter));
        try (run) {
            meter.advanceMillis(1000);
            try (EnergyWindow epoch = run.window("epoch-1")) {
                meter.advanceMillis(500);
                try (EnergyWindow step = epoch.window("step-1")) {
                    meter.advanceMillis(200);
                }
                meter.advanceMillis(300);
            }
        }
        EnergyReport r = run.report();
        assertEquals(20.0, r.component(Component.CPU).joules(), 1e-9);
        EnergyReport epoch = r.window("job/epoch-1").orElseThrow();
        assertEquals(10.0, epoch.component(Component.CPU).joules(), 1e-9);
        EnergyReport step = r.window("job/epoch-1/step-1").orElseThrow();
        assertEquals(2.0, step.component(Component.CPU).joules(), 1e-9);
        assertFalse(step.belowResolution());
    }

    @Test
    void windowShorterThanTheResolutionIsFlaggedAndNeverZero() {
        ManualMeter meter = new ManualMeter(10, 1, 0, Duration.ofMillis(100));
        EnergyRun run = EnergyTracker.start("job", config(meter));
        meter.advanceMillis(1000);
        EnergyReport tiny;
        try (EnergyWindow w = run.window("tiny")) {
            meter.advanceMillis(10);
        }
        tiny = run.end().window("job/tiny").orElseThrow();
        assertTrue(tiny.belowResolution());
        assertNotEquals(0.0, tiny.component(Component.CPU).joules());
        assertEquals(10 * 0.010, tiny.component(Component.CPU).joules(), 1e-9, "run's mean power x window duration");
    }

    @Test
    void backgroundSamplerRunsOnADaemonThreadAndFeedsListeners() throws InterruptedException {
        ManualMeter meter = new ManualMeter(10, 1, 0, Duration.ofMillis(10));
        CountDownLatch three = new CountDownLatch(3);
        List<String> threads = new ArrayList<>();
        TrackerConfig cfg = config(meter).withSampleInterval(Duration.ofMillis(20)).withListener((run, sample) -> {
            synchronized (threads) {
                threads.add(Thread.currentThread().getName() + ":" + Thread.currentThread().isDaemon());
            }
            three.countDown();
        });
        try (EnergyRun run = EnergyTracker.start("sampled", cfg)) {
            assertTrue(three.await(5, TimeUnit.SECONDS));
            assertTrue(run.sampleCount() >= 3);
        }
        synchronized (threads) {
            assertEquals("joule-energy-sampler:true", threads.get(0));
        }
    }

    @Test
    void samplerRunsAtLeastAsOftenAsTheCountersNeedToStayUnambiguous() throws InterruptedException {
        ManualMeter meter = new ManualMeter(10, 1, 0, Duration.ofMillis(10));
        meter.safeInterval = Duration.ofMillis(20);
        CountDownLatch three = new CountDownLatch(3);
        TrackerConfig cfg = config(meter).withSampleInterval(Duration.ofSeconds(60))
                .withListener((run, sample) -> three.countDown());
        try (EnergyRun run = EnergyTracker.start("wrapping", cfg)) {
            assertTrue(three.await(5, TimeUnit.SECONDS), "a 60 s interval was not shortened to the safe 20 ms");
        }
    }

    @Test
    void defaultTrackerOnThisMachineMeasuresItsOwnCpuTime() {
        EnergyRun run = EnergyTracker.start("in-process");
        double sink = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (run) {
            // Spin until this thread has used 0.3 s of CPU, however busy the machine is.
            long end = threads.getCurrentThreadCpuTime() + 300_000_000L;
            while (threads.getCurrentThreadCpuTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    sink += Math.sqrt(sink + 1);
                }
            }
        }
        EnergyReport r = run.report();
        assertTrue(sink > 0);
        assertTrue(r.totalJoules() > 0, "energy " + r.totalJoules());
        assertFalse(r.component(Component.CPU).source().isBlank());
        if (r.component(Component.CPU).source().equals("model-cpu-time")) {
            assertTrue(r.cpuSeconds() >= 0.25, "0.3 s of busy loop counted as " + r.cpuSeconds() + " s of CPU");
        }
    }

    @Test
    void perInferenceEnergyShowsIdleApart() {
        ManualMeter meter = new ManualMeter(10, 2, 0, Duration.ofMillis(10));
        EnergyRun run = EnergyTracker.start("serve", config(meter));
        meter.advanceMillis(1000);
        EnergyReport r = run.end();
        InferenceEnergy e = InferenceEnergy.of(r, 100);
        assertEquals(0.1, e.joulesPerInference(), 1e-12);
        assertEquals(0.02, e.idleJoulesPerInference(), 1e-12);
        assertEquals(0.08, e.activeJoulesPerInference(), 1e-12);
        InferenceEnergy measuredIdle = InferenceEnergy.of(r, 100, 5.0);
        assertEquals(0.05, measuredIdle.idleJoulesPerInference(), 1e-12);
        assertEquals("baseline", measuredIdle.idleSource());
    }

    @Test
    void forecastAfterFivePercentOfAConstantCostJobIsWithinFivePercent() {
        ManualMeter meter = new ManualMeter(50, 5, 0, Duration.ofMillis(10));
        EnergyRun run = EnergyTracker.start("long-job", config(meter));
        meter.advanceMillis(3000); // start-up before the first step
        int total = 400;
        EnergyForecast forecast = null;
        for (int i = 1; i <= total; i++) {
            meter.advanceMillis(100 + (i % 3) * 10);
            run.step();
            if (i == total / 20) {
                forecast = run.forecast(total);
            }
        }
        double actual = run.end().totalJoules();
        assertEquals(actual, forecast.predictedJoules(), actual * 0.05);
        assertTrue(forecast.lowJoules() <= forecast.predictedJoules() && forecast.predictedJoules() <= forecast.highJoules());
        assertTrue(forecast.predictedCarbon().emissionsKg() > 0);
    }
}
