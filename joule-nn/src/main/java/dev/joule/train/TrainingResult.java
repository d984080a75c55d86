package dev.joule.train;

/**
 * The outcome of {@link Trainer#run()}.
 *
 * @param state       where the run stopped (its loss curve included)
 * @param finalMetrics the last evaluation, or null when there is no evaluation set (or none ran before a stop)
 * @param stoppedEarly whether {@link Trainer#requestStop()} ended the run before its last step
 */
public record TrainingResult(TrainerState state, Metrics finalMetrics, boolean stoppedEarly) {
    public double trainSeconds() {
        return state.trainNanos() / 1e9;
    }

    public double samplesPerSecond() {
        return state.trainNanos() == 0 ? 0 : state.samplesSeen() / (state.trainNanos() / 1e9);
    }
}
