package dev.joule.energy.track;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterReading;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measured run: the outermost window, plus a background sampler on a daemon thread and the step
 * log that feeds the forecast. Start one with {@link EnergyTracker#start}.
 */
public final class EnergyRun extends EnergyWindow {
    private static final Logger LOG = LoggerFactory.getLogger(EnergyRun.class);

    private final EnergyMeter meter;
    private final boolean ownsMeter;
    private final TrackerConfig config;
    private final ScheduledExecutorService sampler;
    private final List<double[]> steps = new ArrayList<>();
    private volatile MeterReading latest;
    private volatile long samples;

    EnergyRun(String name, EnergyMeter meter, boolean ownsMeter, TrackerConfig config) {
        super(null, null, name, meter.read());
        this.meter = meter;
        this.ownsMeter = ownsMeter;
        this.config = config;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "joule-energy-sampler");
            t.setDaemon(true);
            return t;
        });
        long period = config.sampleInterval().toNanos();
        long safe = meter.longestSafeInterval().map(java.time.Duration::toNanos).orElse(Long.MAX_VALUE);
        if (safe < period) {
            LOG.info("sampling every {} ms instead of {} ms: {}'s counters could wrap ambiguously between samples",
                    safe / 1_000_000, period / 1_000_000, meter.name());
            period = safe;
        }
        sampler.scheduleAtFixedRate(this::sample, period, period, TimeUnit.NANOSECONDS);
    }

    private void sample() {
        try {
            MeterReading sinceStart = meter.read().since(startReading());
            latest = sinceStart;
            samples++;
            for (SampleListener listener : config.listeners()) {
                listener.onSample(this, sinceStart);
            }
        } catch (RuntimeException e) {
            // A failing sample must not kill the sampler (a scheduled task that throws is never run again).
            LOG.warn("energy sample of run '{}' failed: {}", name(), e.toString());
        }
    }

    EnergyMeter meter() {
        return meter;
    }

    TrackerConfig config() {
        return config;
    }

    /** The latest background sample (energy since start), or null before the first. */
    public MeterReading latestSample() {
        return latest;
    }

    public long sampleCount() {
        return samples;
    }

    /** Marks the end of one step of a job (a batch, an epoch) for {@link #forecast}. */
    public void step() {
        MeterReading now = meter.read().since(startReading());
        synchronized (steps) {
            steps.add(new double[] {now.nanoTime() / 1e9, now.totalJoules()});
        }
    }

    public int stepCount() {
        synchronized (steps) {
            return steps.size();
        }
    }

    /** Predicted total energy, duration and emissions of a job of {@code totalSteps} steps, from the steps so far. */
    public EnergyForecast forecast(long totalSteps) {
        List<double[]> copy;
        synchronized (steps) {
            copy = List.copyOf(steps);
        }
        return EnergyForecast.predict(copy, totalSteps, config.carbon());
    }

    /**
     * Energies of a window too short for the meter: the run's mean power per component times the
     * window's duration. While the run itself is too short to know its power, the window's own
     * reading is kept if it is above zero or comes from a model, and is NaN (unknown) otherwise:
     * never a silent 0 J from a counter that has not ticked.
     */
    Map<Component, ComponentEnergy> interpolated(MeterReading end, MeterReading windowDelta) {
        MeterReading sinceStart = end.since(startReading());
        boolean runResolved = sinceStart.nanoTime() >= meter.resolution().toNanos();
        Map<Component, ComponentEnergy> result = new EnumMap<>(Component.class);
        for (ComponentEnergy c : sinceStart.components().values()) {
            ComponentEnergy own = windowDelta.components().get(c.component());
            if (runResolved) {
                double scale = (double) windowDelta.nanoTime() / sinceStart.nanoTime();
                result.put(c.component(), c.withJoules(c.joules() * scale, c.idleJoules() * scale));
            } else if (own != null && (own.joules() > 0 || own.estimate())) {
                // A model's 0 is a modelled result; a counter's 0 only means it has not ticked yet.
                result.put(c.component(), own);
            } else {
                result.put(c.component(), c.withJoules(Double.NaN, Double.NaN));
            }
        }
        return result;
    }

    @Override
    public synchronized EnergyReport end() {
        if (report() != null) {
            return report();
        }
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EnergyReport report = super.end();
        if (ownsMeter) {
            meter.close();
        }
        return report;
    }
}
