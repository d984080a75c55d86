package dev.joule.kernel;

/**
 * Layer normalisation of rows, optionally of a sum of two inputs (a residual connection and the
 * layer's output, as a transformer block ends): {@code y = (v − μ) · rstd · γ + β} with
 * {@code v = x + r}, {@code μ} and {@code rstd = 1 / √(var + ε)} over each row of {@code d}. One call
 * runs the whole row in three passes with no intermediate array, where the autograd op makes six
 * kernel calls and a centred copy per row; at batch 1 (24 rows of 384) that call overhead was most of
 * its cost.
 *
 * <p>Each row is independent and its sums run in a fixed order (a lane-wise accumulation, then
 * {@link VectorMath#sum}'s fixed tree), so results depend neither on the thread count nor on whether
 * the code is compiled. With scalar kernels the same passes run as plain loops.
 */
public final class LayerNormRows {
    private LayerNormRows() {}

    /**
     * Rows {@code [0, rows)}: {@code y[yo + i·d + j] = LN(x[xo + i·d + j] + r[ro + i·d + j])_j · γ[go + j] + β[bo + j]};
     * {@code r} may be null (plain layer norm). {@code y} may be {@code x} or {@code r} (same offsets).
     */
    public static void forward(float[] x, int xo, float[] r, int ro, int rows, int d,
                               float[] gamma, int go, float[] beta, int bo, float eps, float[] y, int yo) {
        boolean vector = Kernels.get() instanceof VectorKernels;
        for (int i = 0; i < rows; i++) {
            int xi = xo + i * d;
            int ri = ro + i * d;
            int yi = yo + i * d;
            if (vector) {
                LayerNormVector.row(x, xi, r, ri, d, gamma, go, beta, bo, eps, y, yi);
            } else {
                rowScalar(x, xi, r, ri, d, gamma, go, beta, bo, eps, y, yi);
            }
        }
    }

    /** One row with plain loops: v into y, then μ, the variance of v − μ, and the affine output. */
    static void rowScalar(float[] x, int xi, float[] r, int ri, int d, float[] gamma, int go, float[] beta, int bo,
                          float eps, float[] y, int yi) {
        float sum = 0f;
        for (int j = 0; j < d; j++) {
            float v = r == null ? x[xi + j] : x[xi + j] + r[ri + j];
            y[yi + j] = v;
            sum += v;
        }
        float mu = sum / d;
        float sq = 0f;
        for (int j = 0; j < d; j++) {
            float c = y[yi + j] - mu;
            sq = Math.fma(c, c, sq);
        }
        float rs = (float) (1.0 / Math.sqrt(sq / d + eps));
        for (int j = 0; j < d; j++) {
            y[yi + j] = (y[yi + j] - mu) * rs * gamma[go + j] + beta[bo + j];
        }
    }
}
