package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Twelve-row micro-kernels: twelve rows of C × two vectors, 24 accumulators, for CPUs with 32 vector
 * registers (AVX-512). At the 10-40 rows of a sentence at batch 1 every weight meets only a handful of
 * rows and the product streams the weights from L3 or memory; the six-row kernel pulls each B panel in
 * at the pace of 12 multiply-adds per two B vectors, this one at 24, so the same bandwidth feeds twice
 * the arithmetic (MiniLM f32 at batch 1: 0.96x the time, see docs/onnx.md).
 *
 * <p>They read two consecutive six-row panels of packed A (or twelve rows of A in place), so packing
 * is unchanged, and each output keeps the six-row kernel's arithmetic exactly: one fused multiply-add
 * per depth step into a zeroed accumulator, in order; {@link #accumulate} then applies the same
 * write-back ({@code C = C · scale + acc}) where C is not simply stored. Results are bit-identical
 * to two six-row calls. There are two kernels, as for six rows: one kernel taking the packed layout as
 * strides (row step 1, depth step 6) ran at 0.83-0.92x the speed on packed A (batch-32 shapes, side by
 * side with these).
 *
 * <p>The kernels only store: with the write-back modes inside, the method grew past what C1 can
 * compile ("out of virtual registers"), and the tiered policy then left it in a C1 tier with boxed
 * vectors, 10x slower. {@code -Djoule.gemm.tallKernel=false} turns them off.
 *
 * <p>{@link VectorGemm} uses them only for bands of at most {@link VectorGemm#SMALL_ROWS} rows: on the
 * hundreds of rows of MiniLM at batch 32 about half of all JVMs ran them 2-2.5x slower for their whole
 * life (the inlining was the same in slow and fast JVMs), while the six-row kernels never did.
 */
abstract class VectorTallKernel extends VectorMicroKernel {
    /** Rows of C per call: two six-row panels. */
    static final int TALL = 2 * MR;

    private static final boolean TALL_KERNELS =
            Boolean.parseBoolean(System.getProperty("joule.gemm.tallKernel", "true"));

    /** Whether these kernels are used: where 512-bit vectors imply 32 vector registers (24 accumulators fit). */
    final boolean tallKernels() {
        return TALL_KERNELS && species().vectorBitSize() >= 512;
    }

    /**
     * {@code out[12 × 2 vectors] = A · B-panel} ({@code ldo} apart) with A as two packed six-row
     * panels, the upper from {@code upper}, the lower from {@code lower} ({@code MR} floats per depth
     * step each).
     */
    final void microKernel12(float[] pa, int upper, int lower, float[] pb, int bBase, int kc,
                             float[] out, int oIdx, int ldo) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00a = FloatVector.zero(sp), c00b = FloatVector.zero(sp);
        FloatVector c01a = FloatVector.zero(sp), c01b = FloatVector.zero(sp);
        FloatVector c02a = FloatVector.zero(sp), c02b = FloatVector.zero(sp);
        FloatVector c03a = FloatVector.zero(sp), c03b = FloatVector.zero(sp);
        FloatVector c04a = FloatVector.zero(sp), c04b = FloatVector.zero(sp);
        FloatVector c05a = FloatVector.zero(sp), c05b = FloatVector.zero(sp);
        FloatVector c06a = FloatVector.zero(sp), c06b = FloatVector.zero(sp);
        FloatVector c07a = FloatVector.zero(sp), c07b = FloatVector.zero(sp);
        FloatVector c08a = FloatVector.zero(sp), c08b = FloatVector.zero(sp);
        FloatVector c09a = FloatVector.zero(sp), c09b = FloatVector.zero(sp);
        FloatVector c10a = FloatVector.zero(sp), c10b = FloatVector.zero(sp);
        FloatVector c11a = FloatVector.zero(sp), c11b = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = upper + p * MR;
            int aj = lower + p * MR;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, pa[ai]);
            c00a = a0.fma(b0, c00a);
            c00b = a0.fma(b1, c00b);
            FloatVector a1 = FloatVector.broadcast(sp, pa[ai + 1]);
            c01a = a1.fma(b0, c01a);
            c01b = a1.fma(b1, c01b);
            FloatVector a2 = FloatVector.broadcast(sp, pa[ai + 2]);
            c02a = a2.fma(b0, c02a);
            c02b = a2.fma(b1, c02b);
            FloatVector a3 = FloatVector.broadcast(sp, pa[ai + 3]);
            c03a = a3.fma(b0, c03a);
            c03b = a3.fma(b1, c03b);
            FloatVector a4 = FloatVector.broadcast(sp, pa[ai + 4]);
            c04a = a4.fma(b0, c04a);
            c04b = a4.fma(b1, c04b);
            FloatVector a5 = FloatVector.broadcast(sp, pa[ai + 5]);
            c05a = a5.fma(b0, c05a);
            c05b = a5.fma(b1, c05b);
            FloatVector a6 = FloatVector.broadcast(sp, pa[aj]);
            c06a = a6.fma(b0, c06a);
            c06b = a6.fma(b1, c06b);
            FloatVector a7 = FloatVector.broadcast(sp, pa[aj + 1]);
            c07a = a7.fma(b0, c07a);
            c07b = a7.fma(b1, c07b);
            FloatVector a8 = FloatVector.broadcast(sp, pa[aj + 2]);
            c08a = a8.fma(b0, c08a);
            c08b = a8.fma(b1, c08b);
            FloatVector a9 = FloatVector.broadcast(sp, pa[aj + 3]);
            c09a = a9.fma(b0, c09a);
            c09b = a9.fma(b1, c09b);
            FloatVector a10 = FloatVector.broadcast(sp, pa[aj + 4]);
            c10a = a10.fma(b0, c10a);
            c10b = a10.fma(b1, c10b);
            FloatVector a11 = FloatVector.broadcast(sp, pa[aj + 5]);
            c11a = a11.fma(b0, c11a);
            c11b = a11.fma(b1, c11b);
        }
        c00a.intoArray(out, oIdx);
        c00b.intoArray(out, oIdx + vl);
        c01a.intoArray(out, oIdx + ldo);
        c01b.intoArray(out, oIdx + ldo + vl);
        c02a.intoArray(out, oIdx + 2 * ldo);
        c02b.intoArray(out, oIdx + 2 * ldo + vl);
        c03a.intoArray(out, oIdx + 3 * ldo);
        c03b.intoArray(out, oIdx + 3 * ldo + vl);
        c04a.intoArray(out, oIdx + 4 * ldo);
        c04b.intoArray(out, oIdx + 4 * ldo + vl);
        c05a.intoArray(out, oIdx + 5 * ldo);
        c05b.intoArray(out, oIdx + 5 * ldo + vl);
        c06a.intoArray(out, oIdx + 6 * ldo);
        c06b.intoArray(out, oIdx + 6 * ldo + vl);
        c07a.intoArray(out, oIdx + 7 * ldo);
        c07b.intoArray(out, oIdx + 7 * ldo + vl);
        c08a.intoArray(out, oIdx + 8 * ldo);
        c08b.intoArray(out, oIdx + 8 * ldo + vl);
        c09a.intoArray(out, oIdx + 9 * ldo);
        c09b.intoArray(out, oIdx + 9 * ldo + vl);
        c10a.intoArray(out, oIdx + 10 * ldo);
        c10b.intoArray(out, oIdx + 10 * ldo + vl);
        c11a.intoArray(out, oIdx + 11 * ldo);
        c11b.intoArray(out, oIdx + 11 * ldo + vl);
    }

    /**
     * {@link #microKernel12} reading twelve rows of op(A) in place: row r of step p at
     * {@code aIdx + r·rowStep + p·depthStep}.
     */
    final void microKernelDirect12(float[] a, int aIdx, int rowStep, int depthStep, float[] pb, int bBase, int kc,
                                   float[] out, int oIdx, int ldo) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00a = FloatVector.zero(sp), c00b = FloatVector.zero(sp);
        FloatVector c01a = FloatVector.zero(sp), c01b = FloatVector.zero(sp);
        FloatVector c02a = FloatVector.zero(sp), c02b = FloatVector.zero(sp);
        FloatVector c03a = FloatVector.zero(sp), c03b = FloatVector.zero(sp);
        FloatVector c04a = FloatVector.zero(sp), c04b = FloatVector.zero(sp);
        FloatVector c05a = FloatVector.zero(sp), c05b = FloatVector.zero(sp);
        FloatVector c06a = FloatVector.zero(sp), c06b = FloatVector.zero(sp);
        FloatVector c07a = FloatVector.zero(sp), c07b = FloatVector.zero(sp);
        FloatVector c08a = FloatVector.zero(sp), c08b = FloatVector.zero(sp);
        FloatVector c09a = FloatVector.zero(sp), c09b = FloatVector.zero(sp);
        FloatVector c10a = FloatVector.zero(sp), c10b = FloatVector.zero(sp);
        FloatVector c11a = FloatVector.zero(sp), c11b = FloatVector.zero(sp);
        int r1 = rowStep, r2 = 2 * rowStep, r3 = 3 * rowStep, r4 = 4 * rowStep, r5 = 5 * rowStep;
        int lower = MR * rowStep;
        for (int p = 0, ai = aIdx; p < kc; p++, ai += depthStep) {
            int aj = ai + lower;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, a[ai]);
            c00a = a0.fma(b0, c00a);
            c00b = a0.fma(b1, c00b);
            FloatVector a1 = FloatVector.broadcast(sp, a[ai + r1]);
            c01a = a1.fma(b0, c01a);
            c01b = a1.fma(b1, c01b);
            FloatVector a2 = FloatVector.broadcast(sp, a[ai + r2]);
            c02a = a2.fma(b0, c02a);
            c02b = a2.fma(b1, c02b);
            FloatVector a3 = FloatVector.broadcast(sp, a[ai + r3]);
            c03a = a3.fma(b0, c03a);
            c03b = a3.fma(b1, c03b);
            FloatVector a4 = FloatVector.broadcast(sp, a[ai + r4]);
            c04a = a4.fma(b0, c04a);
            c04b = a4.fma(b1, c04b);
            FloatVector a5 = FloatVector.broadcast(sp, a[ai + r5]);
            c05a = a5.fma(b0, c05a);
            c05b = a5.fma(b1, c05b);
            FloatVector a6 = FloatVector.broadcast(sp, a[aj]);
            c06a = a6.fma(b0, c06a);
            c06b = a6.fma(b1, c06b);
            FloatVector a7 = FloatVector.broadcast(sp, a[aj + r1]);
            c07a = a7.fma(b0, c07a);
            c07b = a7.fma(b1, c07b);
            FloatVector a8 = FloatVector.broadcast(sp, a[aj + r2]);
            c08a = a8.fma(b0, c08a);
            c08b = a8.fma(b1, c08b);
            FloatVector a9 = FloatVector.broadcast(sp, a[aj + r3]);
            c09a = a9.fma(b0, c09a);
            c09b = a9.fma(b1, c09b);
            FloatVector a10 = FloatVector.broadcast(sp, a[aj + r4]);
            c10a = a10.fma(b0, c10a);
            c10b = a10.fma(b1, c10b);
            FloatVector a11 = FloatVector.broadcast(sp, a[aj + r5]);
            c11a = a11.fma(b0, c11a);
            c11b = a11.fma(b1, c11b);
        }
        c00a.intoArray(out, oIdx);
        c00b.intoArray(out, oIdx + vl);
        c01a.intoArray(out, oIdx + ldo);
        c01b.intoArray(out, oIdx + ldo + vl);
        c02a.intoArray(out, oIdx + 2 * ldo);
        c02b.intoArray(out, oIdx + 2 * ldo + vl);
        c03a.intoArray(out, oIdx + 3 * ldo);
        c03b.intoArray(out, oIdx + 3 * ldo + vl);
        c04a.intoArray(out, oIdx + 4 * ldo);
        c04b.intoArray(out, oIdx + 4 * ldo + vl);
        c05a.intoArray(out, oIdx + 5 * ldo);
        c05b.intoArray(out, oIdx + 5 * ldo + vl);
        c06a.intoArray(out, oIdx + 6 * ldo);
        c06b.intoArray(out, oIdx + 6 * ldo + vl);
        c07a.intoArray(out, oIdx + 7 * ldo);
        c07b.intoArray(out, oIdx + 7 * ldo + vl);
        c08a.intoArray(out, oIdx + 8 * ldo);
        c08b.intoArray(out, oIdx + 8 * ldo + vl);
        c09a.intoArray(out, oIdx + 9 * ldo);
        c09b.intoArray(out, oIdx + 9 * ldo + vl);
        c10a.intoArray(out, oIdx + 10 * ldo);
        c10b.intoArray(out, oIdx + 10 * ldo + vl);
        c11a.intoArray(out, oIdx + 11 * ldo);
        c11b.intoArray(out, oIdx + 11 * ldo + vl);
    }

    /**
     * {@code C = C · scale + tile} over twelve rows × two vectors ({@code tile} rows {@code 2·vl}
     * apart), scale 1 for {@code ADD} (an exact add) or {@code beta}: the six-row kernel's write-back.
     */
    final void accumulate(float[] tile, float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector sc = FloatVector.broadcast(sp, mode == ADD ? 1f : beta);
        for (int r = 0; r < TALL; r++) {
            int ci = cIdx + r * ldc;
            int ti = r * 2 * vl;
            FloatVector.fromArray(sp, c, ci).fma(sc, FloatVector.fromArray(sp, tile, ti)).intoArray(c, ci);
            FloatVector.fromArray(sp, c, ci + vl).fma(sc, FloatVector.fromArray(sp, tile, ti + vl)).intoArray(c, ci + vl);
        }
    }
}
