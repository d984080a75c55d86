package dev.joule.energy.meter.rapl;

/**
 * Turns successive reads of a wrapping micro-joule counter into energy, dropping any interval it
 * cannot explain rather than inventing energy.
 *
 * <p>An interval is accepted only when exactly one explanation fits under the plausibility bound
 * {@code maxPowerWatts × Δt}: a plain increase, or one wrap at {@code maxRangeMicroJoules}. A reset
 * (driver reload, resume) or a glitch looks like an implausible jump and is dropped. If the range is
 * unknown, a decrease is dropped (CodeCarbon added 0 there and produced negative energy, #1309). If
 * the range is so small that a second wrap would also be plausible, the interval is ambiguous and is
 * dropped too: the caller must sample faster.
 *
 * <p>The wrap modulus is taken as {@code max_energy_range_uj}; the kernel's true modulus is one
 * counter unit (≈15–61 µJ) larger, an error far below the counter's accuracy.
 */
public final class CounterAccumulator {
    /** The plausibility bound never drops below one millisecond of maximum power (RAPL's update period). */
    private static final double MIN_INTERVAL_SECONDS = 1e-3;

    private final long maxRangeMicroJoules;
    private final double maxPowerWatts;
    private long lastRaw = -1;
    private long lastNanos;
    private long totalMicroJoules;
    private int droppedIntervals;

    /**
     * @param maxRangeMicroJoules the counter's wrap value, or a value ≤ 0 when unknown
     * @param maxPowerWatts the largest power this counter can plausibly see
     */
    public CounterAccumulator(long maxRangeMicroJoules, double maxPowerWatts) {
        if (!(maxPowerWatts > 0)) {
            throw new IllegalArgumentException("maxPowerWatts must be > 0, got " + maxPowerWatts);
        }
        this.maxRangeMicroJoules = maxRangeMicroJoules;
        this.maxPowerWatts = maxPowerWatts;
    }

    /**
     * Feeds one raw counter value read at {@code nanoTime}; the first call only sets the origin.
     *
     * @return the energy added by this interval in µJ (0 when the interval was dropped)
     */
    public long update(long raw, long nanoTime) {
        if (lastRaw < 0) {
            lastRaw = raw;
            lastNanos = nanoTime;
            return 0;
        }
        double seconds = Math.max((nanoTime - lastNanos) / 1e9, MIN_INTERVAL_SECONDS);
        double allowedMicroJoules = maxPowerWatts * seconds * 1e6;
        long added = explain(raw - lastRaw, allowedMicroJoules);
        lastRaw = raw;
        lastNanos = nanoTime;
        if (added < 0) {
            droppedIntervals++;
            return 0;
        }
        totalMicroJoules += added;
        return added;
    }

    /** The increase this delta stands for, or -1 when it cannot be told apart from a reset or a second wrap. */
    private long explain(long delta, double allowedMicroJoules) {
        boolean rangeKnown = maxRangeMicroJoules > 0;
        if (delta >= 0) {
            boolean wrapAlsoPlausible = rangeKnown && delta + maxRangeMicroJoules <= allowedMicroJoules;
            if (delta > allowedMicroJoules || wrapAlsoPlausible) {
                return -1;
            }
            return delta;
        }
        if (!rangeKnown) {
            return -1;
        }
        long wrapped = delta + maxRangeMicroJoules;
        if (wrapped < 0 || wrapped > allowedMicroJoules || wrapped + maxRangeMicroJoules <= allowedMicroJoules) {
            return -1;
        }
        return wrapped;
    }

    public long totalMicroJoules() {
        return totalMicroJoules;
    }

    public int droppedIntervals() {
        return droppedIntervals;
    }

    /** The longest sampling interval at which a single wrap is still unambiguous at full power. */
    public double safeIntervalSeconds() {
        return maxRangeMicroJoules > 0 ? maxRangeMicroJoules / 1e6 / maxPowerWatts / 2 : Double.POSITIVE_INFINITY;
    }
}
