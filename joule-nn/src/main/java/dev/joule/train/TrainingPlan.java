package dev.joule.train;

/**
 * How long and how a run trains.
 *
 * @param totalSteps      optimizer steps of the whole run (epochs x batches per epoch when given in epochs)
 * @param evalEvery       evaluate every N steps (0: only at the end)
 * @param checkpointEvery checkpoint every N steps (0: only at the end); needs a checkpoint directory
 * @param gradClipNorm    global gradient-norm clip (0: none)
 * @param labelSmoothing  cross-entropy label smoothing (0: none)
 */
public record TrainingPlan(long totalSteps, long evalEvery, long checkpointEvery, float gradClipNorm, float labelSmoothing) {
    public TrainingPlan {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("a run needs at least one step, got " + totalSteps);
        }
        if (evalEvery < 0 || checkpointEvery < 0 || gradClipNorm < 0 || labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("evalEvery, checkpointEvery and gradClipNorm must be >= 0 and labelSmoothing in [0, 1); got "
                    + evalEvery + ", " + checkpointEvery + ", " + gradClipNorm + ", " + labelSmoothing);
        }
    }

    public static TrainingPlan steps(long totalSteps) {
        return new TrainingPlan(totalSteps, 0, 0, 0f, 0f);
    }

    public TrainingPlan withEvalEvery(long n) {
        return new TrainingPlan(totalSteps, n, checkpointEvery, gradClipNorm, labelSmoothing);
    }

    public TrainingPlan withCheckpointEvery(long n) {
        return new TrainingPlan(totalSteps, evalEvery, n, gradClipNorm, labelSmoothing);
    }

    public TrainingPlan withGradClip(float norm) {
        return new TrainingPlan(totalSteps, evalEvery, checkpointEvery, norm, labelSmoothing);
    }

    public TrainingPlan withTotalSteps(long n) {
        return new TrainingPlan(n, evalEvery, checkpointEvery, gradClipNorm, labelSmoothing);
    }
}
