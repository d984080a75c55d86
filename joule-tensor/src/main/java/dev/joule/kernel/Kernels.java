package dev.joule.kernel;

/**
 * The hot loops of the engine, behind one interface so that a scalar reference and a Vector API
 * implementation can be swapped and tested against each other.
 *
 * <p>All arrays are row-major with explicit offsets and leading dimensions (BLAS conventions), so
 * views and batched slices need no copies. Elementwise methods write {@code out}, which may be the
 * same window as an input (same array and offset: in place); other overlaps are not supported.
 *
 * <p>Every call records its work in {@link dev.joule.tensor.OpCounter} once.
 */
public interface Kernels {

    /** A short name for logs, such as {@code "scalar"} or {@code "vector 512-bit"}. */
    String name();

    /**
     * {@code C = op(A) · op(B) + beta · C} where {@code op(X)} is {@code X} or its transpose.
     *
     * <p>{@code op(A)} is {@code m × k}, {@code op(B)} is {@code k × n}, {@code C} is {@code m × n}.
     * Element {@code (i, p)} of {@code A} is {@code a[aOff + i * lda + p]}, or
     * {@code a[aOff + p * lda + i]} when {@code transA}; likewise for {@code B}. With {@code beta == 0}
     * the old contents of {@code C} are ignored (NaN included).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * {@code batch} independent {@link #gemm}s; problem {@code t} starts at {@code aOff + t * aStride}
     * (likewise B and C). A stride of 0 shares one operand across the batch (e.g. a weight matrix).
     * Implementations may run the problems in parallel; each result is the same as one gemm call's.
     */
    default void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int aStride, int lda,
                             float[] b, int bOff, int bStride, int ldb,
                             float beta, float[] c, int cOff, int cStride, int ldc) {
        for (int t = 0; t < batch; t++) {
            gemm(transA, transB, m, n, k, a, aOff + t * aStride, lda, b, bOff + t * bStride, ldb,
                    beta, c, cOff + t * cStride, ldc);
        }
    }

    /** {@code sum_i x[xOff + i] * y[yOff + i]} over {@code n} elements. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y += alpha * x} over {@code n} elements. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code out = x + y} elementwise. */
    void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** {@code out = x - y} elementwise. */
    void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** {@code out = x * y} elementwise. */
    void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** {@code out = alpha * x} elementwise. */
    void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n);

    /** {@code out = x + alpha} elementwise. */
    void addScalar(float alpha, float[] x, int xOff, float[] out, int outOff, int n);

    /** The sum of {@code n} elements (0 when {@code n == 0}). */
    float sum(float[] x, int xOff, int n);

    /** The largest of {@code n >= 1} elements (NaN if any element is NaN). */
    float max(float[] x, int xOff, int n);

    /**
     * {@code x = exp(x - shift)} in place; returns the sum of the new values. With {@code shift} the
     * row maximum this is the numerically safe heart of softmax and log-sum-exp.
     */
    float expShiftInPlace(float[] x, int xOff, int n, float shift);

    /** Replaces {@code n >= 1} elements by their softmax: {@code exp(x - max) / sum}. */
    default void softmaxInPlace(float[] x, int xOff, int n) {
        float total = expShiftInPlace(x, xOff, n, max(x, xOff, n));
        scale(1f / total, x, xOff, x, xOff, n);
    }

    /** The implementation chosen once at start-up (see {@link KernelSelection}). */
    static Kernels get() {
        return KernelSelection.ACTIVE;
    }
}
