package dev.joule.energy.meter;

import dev.joule.energy.Component;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A source of cumulative energy readings. Implementations are thread-safe: the background sampler
 * and the window edges of the tracker read the same meter.
 */
public interface EnergyMeter extends AutoCloseable {
    /** Short name used to pick the meter by hand: {@code rapl}, {@code nvml}, {@code model-cpu-time}, {@code analytic}. */
    String name();

    /** One line saying what this meter reads, for the log line that announces the choice. */
    String describe();

    /** The components this meter reports. */
    Set<Component> components();

    /** Energy since the meter was opened, per component; never decreasing. */
    MeterReading read();

    /** The shortest window this meter can resolve; shorter windows are flagged by the tracker. */
    Duration resolution();

    /**
     * The longest sampling interval at which this meter's counters cannot wrap ambiguously, or empty
     * when any interval will do. The tracker samples at least this often.
     */
    default Optional<Duration> longestSafeInterval() {
        return Optional.empty();
    }

    @Override
    default void close() {}
}
