package dev.joule.optim;

import java.util.function.LongSupplier;

/**
 * Warm-up then cosine decay over a training-time budget instead of a step count: the learning rate is a
 * function of the elapsed fraction {@code f} of the budget, read from a clock when the trainer asks for
 * the step's rate.
 *
 * <pre>
 *   f &lt; w:       peak · max(f / w, 1 / 100)
 *   w ≤ f &lt; 1:   min + ½ (1 + cos(π · (f − w) / (1 − w))) · (peak − min)
 *   f ≥ 1:       min
 * </pre>
 *
 * <p>For a run that stops when its time is up ({@code joule compare}) a step schedule cannot know where
 * the end is: how many steps fit depends on the model and the machine. This one always reaches the end
 * of its decay when the budget ends. The price is reproducibility: the rate at step k depends on how
 * long the first k steps took, so two runs with the same seed are not bit-identical. The floor of
 * {@code peak/100} keeps the first step (which carries JIT warm-up) from using a rate of zero.
 */
public final class TimeBudgetSchedule implements LearningRateSchedule {
    private static final double WARMUP_FLOOR = 0.01;

    private final long budgetNanos;
    private final double warmupFraction;
    private final float peak;
    private final float min;
    private final LongSupplier elapsedNanos;

    /**
     * @param budgetNanos    the training time the decay spans (&gt; 0)
     * @param warmupFraction share of the budget spent warming up, in [0, 1)
     * @param peak           rate at the end of the warm-up
     * @param min            rate at the end of the budget
     * @param elapsedNanos   training time so far (e.g. the trainer's step time, updated by a listener)
     */
    public TimeBudgetSchedule(long budgetNanos, double warmupFraction, float peak, float min, LongSupplier elapsedNanos) {
        if (budgetNanos <= 0 || !(warmupFraction >= 0 && warmupFraction < 1) || !(peak > 0) || !(min >= 0) || min > peak) {
            throw new IllegalArgumentException("time-budget schedule needs budgetNanos > 0, warmupFraction in [0, 1) and "
                    + "0 <= min <= peak > 0; got " + budgetNanos + ", " + warmupFraction + ", " + peak + ", " + min);
        }
        this.budgetNanos = budgetNanos;
        this.warmupFraction = warmupFraction;
        this.peak = peak;
        this.min = min;
        this.elapsedNanos = elapsedNanos;
    }

    /** The rate at elapsed fraction {@code f} of the budget. */
    public float atFraction(double f) {
        if (f < warmupFraction) {
            return (float) (peak * Math.max(f / warmupFraction, WARMUP_FLOOR));
        }
        if (f >= 1) {
            return min;
        }
        double progress = (f - warmupFraction) / (1 - warmupFraction);
        return (float) (min + 0.5 * (1 + Math.cos(Math.PI * progress)) * (peak - min));
    }

    /** Ignores the step: the rate follows the clock. */
    @Override
    public float at(long step) {
        return atFraction((double) elapsedNanos.getAsLong() / budgetNanos);
    }

    public float peak() {
        return peak;
    }
}
