package dev.joule.data;

import dev.joule.tensor.Tensor;

/**
 * One mini-batch. Classification: {@code inputs} [B, 28, 28] pixels in [0, 1], {@code targets} [B]
 * class indices. Language modelling: {@code inputs} [B, T] token ids stored as floats, {@code targets}
 * [B*T] next-token ids, row-major like the inputs; a target of {@link #IGNORE} is not scored.
 */
public record Batch(Tensor inputs, int[] targets) {
    /** A target that the loss and the metrics skip. */
    public static final int IGNORE = -1;

    /** Number of examples (the leading dimension of the inputs). */
    public int size() {
        return inputs.dim(0);
    }

    /** Number of targets that count (not {@link #IGNORE}). */
    public int scoredTargets() {
        int n = 0;
        for (int t : targets) {
            if (t != IGNORE) {
                n++;
            }
        }
        return n;
    }
}
