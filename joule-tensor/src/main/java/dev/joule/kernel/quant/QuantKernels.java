package dev.joule.kernel.quant;

import dev.joule.kernel.GemmEpilogue;

/**
 * Quantized matrix products for inference: {@code y[b, o] = Σ_i x[b, i] · W[o, i]} with {@code W} an
 * {@link Int8Matrix} or {@link Int4Matrix} ({@code [out, in]}, row-major) and {@code y} row-major
 * {@code [batch, out]} at {@code y[yOff ...]}. Batch 1 is the matrix-vector product (decode);
 * larger batches reuse each weight row across the batch.
 *
 * <p>A scalar reference ({@link ScalarQuantKernels}), a Vector API implementation and a native one
 * ({@link NativeQuantKernels}: AVX-512 VNNI W8A8 through JNA, ADR 0010) sit behind this interface. The
 * integer paths are exact: {@link #accumulateW8A8} gives the same int32 sums bit for bit in every
 * implementation, and {@link #gemmW8A8} applies the scales in one fixed expression,
 * {@code (float) acc · (xScale · wScale)}, so its f32 outputs are bit-identical too. Weight-only
 * paths accumulate in f32 and match the reference up to float rounding (summation order, and the
 * int4 GEMV folds the nibble offset into block sums of x).
 *
 * <p>Every call records its multiply-accumulates and the bytes of weights and activations it read in
 * {@link dev.joule.tensor.OpCounter}; the counter has no precision field, so int8 MACs are counted
 * together with f32 MACs.
 */
public interface QuantKernels {

    /** A short name for logs: {@code "quant scalar"} or {@code "quant vector 512-bit"}. */
    String name();

    /**
     * Quantizes the row-major activations at {@code x[xOff ...]} into {@code out} (its shape says how
     * many), with exactly the codes and scales of {@link Int8Activations#quantize}; implementations
     * may vectorize it.
     */
    default Int8Activations quantizeActivations(float[] x, int xOff, Int8Activations out) {
        return out.quantize(x, xOff);
    }

    /** The exact int32 sums {@code acc[b, o] = Σ_i qx[b, i] · qw[o, i]}, row-major {@code [batch, out]}. */
    void accumulateW8A8(Int8Activations x, Int8Matrix w, int[] acc, int accOff);

    /** W8A8: {@code y[b, o] = (float) acc[b, o] · (xScale[b] · wScale[o])}. */
    void gemmW8A8(Int8Activations x, Int8Matrix w, float[] y, int yOff);

    /**
     * Dynamic W8A8 in one call: the rows at {@code x[xOff ...]} ({@code scratch}'s shape says how many)
     * quantized as {@link #quantizeActivations} does, then {@link #gemmW8A8}; the same outputs bit for
     * bit. {@code scratch} is working space (its contents afterwards are unspecified): an
     * implementation may keep the codes where its product reads them instead of copying them out and
     * back (the native kernels, for which that round trip was a tenth of a small layer's time).
     */
    default void gemmW8A8Dynamic(float[] x, int xOff, Int8Activations scratch, Int8Matrix w, float[] y, int yOff) {
        gemmW8A8(quantizeActivations(x, xOff, scratch), w, y, yOff);
    }

    /**
     * {@link #gemmW8A8Dynamic}, then {@code epilogue} (may be null) on {@code y} ({@code rows × out}): an
     * implementation that splits the outputs across threads may finish each block on its thread.
     */
    default void gemmW8A8Dynamic(float[] x, int xOff, Int8Activations scratch, Int8Matrix w, float[] y, int yOff,
                                 GemmEpilogue epilogue) {
        gemmW8A8Dynamic(x, xOff, scratch, w, y, yOff);
        GemmEpilogue.whole(epilogue, y, yOff, w.rows(), scratch.rows(), w.rows());
    }

    /**
     * Int8 weights, f32 activations ({@code batch × in} at {@code x[xOff ...]}):
     * {@code y[b, o] = wScale[o] · Σ_i x[b, i] · qw[o, i]}.
     */
    void gemmInt8Weights(float[] x, int xOff, int batch, Int8Matrix w, float[] y, int yOff);

    /**
     * Int4 weights, f32 activations: {@code y[b, o] = Σ_blocks scale[o, blk] · Σ_{i in blk} x[b, i] · c[o, i]}.
     */
    void gemmInt4Weights(float[] x, int xOff, int batch, Int4Matrix w, float[] y, int yOff);

    /**
     * The implementation chosen once at start-up: the native W8A8 kernel where the CPU, library and
     * self-test allow it, over the Java kernels matching {@link dev.joule.kernel.Kernels#get()}
     * (vector when that is vector); {@code -Djoule.quant=auto|native|vector|scalar} overrides.
     */
    static QuantKernels get() {
        return QuantSelection.ACTIVE;
    }
}
