package dev.joule.kernel;

/**
 * Per-thread buffers for packed gemm operands, allocated once per thread and reused, so the hot
 * path allocates nothing once warm. Packed A starts at the largest block of a blocked gemm
 * ({@link VectorGemm#MC} × {@link VectorGemm#KC}) and grows for the deeper slices of few-row
 * products ({@link VectorGemm#depthSlice}); packed B and the gemv vectors grow to the largest
 * problem seen; the tiles fit the widest panel (2 × 16 lanes).
 */
final class GemmScratch {
    private static final int MAX_NR = 32;
    private static final ThreadLocal<GemmScratch> PER_THREAD = ThreadLocal.withInitial(GemmScratch::new);

    /** Packed A blocks; read it after {@link #fitPackedA} (which may replace it). */
    float[] packedA = new float[VectorGemm.MC * VectorGemm.KC];
    private float[] packedB = new float[VectorGemm.KC * 64];
    final float[] tile = new float[VectorGemm.MR * MAX_NR];
    /** The twelve-row kernels' tile, where C is accumulated into rather than stored. */
    final float[] tallTile = new float[VectorGemm.TALL * MAX_NR];
    private float[] x = new float[256];
    private float[] y = new float[256];

    private GemmScratch() {}

    static GemmScratch get() {
        return PER_THREAD.get();
    }

    /** Makes {@link #packedA} hold at least {@code length} floats (contents undefined); grows, never shrinks. */
    void fitPackedA(int length) {
        if (packedA.length < length) {
            packedA = new float[length];
        }
    }

    /** Room for a packed B of at least {@code length} floats (contents undefined); grows, never shrinks. */
    float[] packedB(int length) {
        if (packedB.length < length) {
            packedB = new float[Math.max(length, packedB.length + packedB.length / 2)];
        }
        return packedB;
    }

    /** A gemv input vector of at least {@code length} floats (contents undefined); grows, never shrinks. */
    float[] x(int length) {
        if (x.length < length) {
            x = new float[Math.max(length, 2 * x.length)];
        }
        return x;
    }

    /** A gemv output vector of at least {@code length} floats (contents undefined); grows, never shrinks. */
    float[] y(int length) {
        if (y.length < length) {
            y = new float[Math.max(length, 2 * y.length)];
        }
        return y;
    }
}
