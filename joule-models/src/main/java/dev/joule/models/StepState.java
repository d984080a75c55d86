package dev.joule.models;

/**
 * What a {@link StepModel} carries from one step to the next, for {@code batch()} independent streams.
 * Two kinds exist and the difference is the point of Joule's generation benchmark:
 * <ul>
 *   <li>a recurrent state ({@link dev.joule.models.rnn.RecurrentState}): a fixed number of floats however
 *       long the text grows, so every step costs the same;</li>
 *   <li>a transformer's key/value cache ({@link TransformerCache}): keys and values of every position so
 *       far, so memory and per-step attention work grow with the text, up to the model's context.</li>
 * </ul>
 */
public interface StepState {

    int batch();

    /** Floats of live state held per stream now (a cache counts its filled positions only). */
    long floatsPerStream();

    /** True when {@link #floatsPerStream()} never changes with the number of steps taken (a recurrent state). */
    boolean constantSize();

    /**
     * Steps this state can still take before the model refuses another; unlimited
     * ({@link Integer#MAX_VALUE}) for a recurrent state, the free positions for a cache.
     */
    default int remainingSteps() {
        return Integer.MAX_VALUE;
    }
}
