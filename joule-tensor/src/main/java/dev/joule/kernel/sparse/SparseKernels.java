package dev.joule.kernel.sparse;

/**
 * Sparse weight matrix times dense activations, the two shapes of a linear layer's forward pass:
 * <ul>
 *   <li>{@link #gemv}: batch 1, {@code y[o] = Σ_i W[o, i] · x[i]};</li>
 *   <li>{@link #gemm}: a batch, {@code Y[b, o] = Σ_i X[b, i] · W[o, i]} ({@code Y = X · Wᵀ}),
 *       {@code X} row-major {@code [batch, cols]}, {@code Y} row-major {@code [batch, rows]}.</li>
 * </ul>
 * Outputs are overwritten. Every call records its multiply-accumulates in
 * {@link dev.joule.tensor.OpCounter} once: the stored weights actually multiplied times the batch,
 * not the dense {@code rows · cols · batch}.
 *
 * <p>{@link ScalarSparseKernels} is the reference; the Vector API implementation is chosen by
 * {@link #get()} exactly when the dense kernels chose theirs.
 *
 * <p>Non-finite activations: as with the dense kernel (which multiplies its stored zeros too), a
 * NaN or infinite activation may turn an output NaN even when that output has no weight on it (the
 * vector kernels multiply some neighbours' activations by a zero weight).
 */
public interface SparseKernels {

    /** A short name for logs and reports, {@code "sparse scalar"} or {@code "sparse vector 512-bit"}. */
    String name();

    /** {@code y[yOff + o] = Σ_i W[o, i] · x[xOff + i]} for every output {@code o < w.rows()}. */
    void gemv(SparseMatrix w, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@code y[yOff + b·ldy + o] = Σ_i x[xOff + b·ldx + i] · W[o, i]} for {@code b < batch},
     * {@code o < w.rows()}.
     */
    void gemm(SparseMatrix w, int batch, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /** The implementation matching {@link dev.joule.kernel.Kernels#get()} (vector when it is vector). */
    static SparseKernels get() {
        return SparseKernelSelection.ACTIVE;
    }
}
