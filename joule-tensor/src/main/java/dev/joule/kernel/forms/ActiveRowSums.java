package dev.joule.kernel.forms;

/**
 * The inner loop of {@link SkippingWeights}: a weighted sum of a few rows of the transposed matrix
 * {@code Wᵀ [in, out]}, one row per active input.
 *
 * <pre>
 *   y[o] = Σ_k alpha[k] · wt[active[k] · out + o]      o &lt; out, k &lt; count
 *          (alpha[k] = x[active[k]], the inputs that passed the threshold)
 * </pre>
 * {@link ScalarActiveRowSums} is the reference (one axpy per active input, in input order);
 * {@link VectorActiveRowSums} runs four active rows per pass over {@code y} with FMAs.
 */
interface ActiveRowSums {

    /** A short name for reports: {@code "scalar"} or {@code "vector 512-bit"}. */
    String name();

    /** Overwrites {@code y[yOff, yOff + out)} with the weighted sum of {@code count} rows of {@code wt}. */
    void sum(float[] wt, int out, int[] active, float[] alpha, int count, float[] y, int yOff);
}
