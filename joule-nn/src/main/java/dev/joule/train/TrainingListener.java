package dev.joule.train;

import java.nio.file.Path;

/** Progress of a run, for the CLI to render; the library never prints. All methods default to nothing. */
public interface TrainingListener {
    /** Before the first step; {@code startStep} is above 0 when resuming. */
    default void onStart(long startStep, long totalSteps) {}

    default void onStep(StepEvent event) {}

    default void onEvaluation(long step, Metrics metrics) {}

    default void onCheckpoint(long step, Path dir) {}

    /**
     * One optimizer step done.
     *
     * @param step         steps done so far (1 after the first)
     * @param elapsedNanos training time so far, evaluation excluded, across resumes
     */
    record StepEvent(long step, long totalSteps, long epoch, float loss, float learningRate, float gradNorm,
                     long samplesSeen, long elapsedNanos) {}
}
