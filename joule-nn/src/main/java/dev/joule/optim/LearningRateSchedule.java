package dev.joule.optim;

/** The learning rate as a function of the optimizer step (0-based): the trainer sets {@code at(step)} before each step. */
@FunctionalInterface
public interface LearningRateSchedule {
    float at(long step);

    /** The same rate at every step. */
    record Constant(float lr) implements LearningRateSchedule {
        @Override
        public float at(long step) {
            return lr;
        }
    }

    /**
     * Linear warm-up from {@code peak/warmupSteps} to {@code peak} over the first {@code warmupSteps} steps,
     * then half a cosine from {@code peak} down to {@code min} at {@code totalSteps}, and {@code min} after
     * (nanoGPT's schedule):
     *
     * <pre>
     *   step &lt; warmup:          peak · (step + 1) / warmup
     *   warmup ≤ step &lt; total:  min + ½ (1 + cos(π · (step − warmup) / (total − warmup))) · (peak − min)
     *   step ≥ total:           min
     * </pre>
     */
    record WarmupCosine(long warmupSteps, long totalSteps, float peak, float min) implements LearningRateSchedule {
        public WarmupCosine {
            if (warmupSteps < 0 || totalSteps < warmupSteps) {
                throw new IllegalArgumentException("warm-up cosine schedule needs 0 <= warmupSteps <= totalSteps, got "
                        + warmupSteps + " and " + totalSteps);
            }
        }

        @Override
        public float at(long step) {
            if (step < warmupSteps) {
                return (float) ((double) peak * (step + 1) / warmupSteps);
            }
            if (step >= totalSteps) {
                return min;
            }
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return (float) (min + 0.5 * (1 + Math.cos(Math.PI * progress)) * (peak - min));
        }
    }
}
