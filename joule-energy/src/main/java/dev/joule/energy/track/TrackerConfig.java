package dev.joule.energy.track;

import dev.joule.energy.carbon.CarbonSettings;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterOptions;
import java.time.Duration;
import java.util.List;

/**
 * How a run is measured.
 *
 * @param sampleInterval period of the background sampler (default 1 s)
 * @param meterOptions how to choose meters when {@code meter} is null
 * @param meter a meter to use instead of choosing one (tests, or a shared {@code AnalyticMeter}); not closed by the run
 * @param carbon region, PUE and renewable share
 * @param listeners called on the sampler thread with each sample
 */
public record TrackerConfig(Duration sampleInterval, MeterOptions meterOptions, EnergyMeter meter, CarbonSettings carbon,
        List<SampleListener> listeners) {

    public TrackerConfig {
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw new IllegalArgumentException("sample interval must be > 0, got " + sampleInterval);
        }
        listeners = List.copyOf(listeners);
    }

    public static TrackerConfig defaults() {
        return new TrackerConfig(Duration.ofSeconds(1), MeterOptions.defaults(), null, CarbonSettings.worldDefault(),
                List.of());
    }

    public TrackerConfig withSampleInterval(Duration interval) {
        return new TrackerConfig(interval, meterOptions, meter, carbon, listeners);
    }

    public TrackerConfig withMeterOptions(MeterOptions options) {
        return new TrackerConfig(sampleInterval, options, meter, carbon, listeners);
    }

    public TrackerConfig withMeter(EnergyMeter newMeter) {
        return new TrackerConfig(sampleInterval, meterOptions, newMeter, carbon, listeners);
    }

    public TrackerConfig withCarbon(CarbonSettings settings) {
        return new TrackerConfig(sampleInterval, meterOptions, meter, settings, listeners);
    }

    public TrackerConfig withListener(SampleListener listener) {
        List<SampleListener> all = new java.util.ArrayList<>(listeners);
        all.add(listener);
        return new TrackerConfig(sampleInterval, meterOptions, meter, carbon, all);
    }
}
