package dev.joule.kernel;

/**
 * The hot loops of the engine, behind one interface so that a scalar reference and a Vector API
 * implementation can be swapped and tested against each other.
 *
 * <p>All arrays are row-major with explicit offsets and leading dimensions (BLAS conventions), so
 * views and batched slices need no copies.
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

    /** The implementation chosen once at start-up (see {@link KernelSelection}). */
    static Kernels get() {
        return KernelSelection.ACTIVE;
    }
}
