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
 * <p>The rate is also capped at {@code peak · (step + 1) / minWarmupSteps}: when a step is slow compared
 * with the budget (the first ones carry JIT compilation; a loaded machine), the time-based warm-up would
 * be over after a step or two, so at least {@code minWarmupSteps} steps ramp up linearly whatever the clock says.
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
    private final long minWarmupSteps;
    private final LongSupplier elapsedNanos;

    /**
     * @param budgetNanos    the training time the decay spans (&gt; 0)
     * @param warmupFraction share of the budget spent warming up, in [0, 1)
     * @param minWarmupSteps steps of linear ramp at least, whatever the clock (0: none)
     * @param peak           rate at the end of the warm-up
     * @param min            rate at the end of the budget
     * @param elapsedNanos   training time so far (e.g. the trainer's step time, updated by a listener)
     */
    public TimeBudgetSchedule(long budgetNanos, double warmupFraction, long minWarmupSteps, float peak, float min,
                              LongSupplier elapsedNanos) {
        if (budgetNanos <= 0 || !(warmupFraction >= 0 && warmupFraction < 1) || minWarmupSteps < 0 || !(peak > 0)
                || !(min >= 0) || min > peak) {
            throw new IllegalArgumentException("time-budget schedule needs budgetNanos > 0, warmupFraction in [0, 1), "
                    + "minWarmupSteps >= 0 and 0 <= min <= peak > 0; got " + budgetNanos + ", " + warmupFraction + ", "
                    + minWarmupSteps + ", " + peak + ", " + min);
        }
        this.budgetNanos = budgetNanos;
        this.warmupFraction = warmupFraction;
        this.minWarmupSteps = minWarmupSteps;
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

    /** The rate follows the clock; the step only caps it during the first {@code minWarmupSteps}. */
    @Override
    public float at(long step) {
        float byClock = atFraction((double) elapsedNanos.getAsLong() / budgetNanos);
        return step < minWarmupSteps ? Math.min(byClock, (float) ((double) peak * (step + 1) / minWarmupSteps)) : byClock;
    }

    public float peak() {
        return peak;
    }
}
