package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernels for the last row panel of a gemm when it holds fewer than {@link VectorMicroKernel#MR}
 * real rows: five to one rows × two vectors, reading the same zero-padded packed A panel (stride
 * {@code MR} per depth step). The six-row kernel computes padding rows as if they were real; at the
 * 10-30 rows of a batch-1 sentence that wastes up to a third of the multiply-adds (20 rows = three
 * full panels + a panel of 2 real rows).
 *
 * <p>Each output keeps the six-row kernel's arithmetic exactly: one fused multiply-add per depth step
 * into a zeroed accumulator, in order, then the same write-back ({@code C = acc}, or
 * {@code C = C · scale + acc}), so results are bit-identical to it. {@code -Djoule.gemm.edgeKernels=false}
 * turns them off (for before/after measurements).
 */
abstract class VectorEdgeKernel extends VectorGemv {
    /** Whether the last, partial row panel takes these kernels instead of a padded six-row one. */
    static final boolean EDGE_KERNELS = Boolean.parseBoolean(System.getProperty("joule.gemm.edgeKernels", "true"));

    /** Rows per packed A panel (the six-row kernel's), the stride between depth steps in packed A. */
    private static final int PANEL = VectorMicroKernel.MR;
    private static final int STORE_MODE = VectorMicroKernel.STORE;
    private static final int ADD_MODE = VectorMicroKernel.ADD;

    /** {@code rows} ({@code 1..5}) rows of C × two vectors against a packed A panel, in one pass over B. */
    final void microKernelRows(int rows, float[] pa, int aBase, float[] pb, int bBase, int kc,
                               float[] c, int cIdx, int ldc, int mode, float beta) {
        switch (rows) {
            case 5 -> microKernel5(pa, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
            case 4 -> microKernel4(pa, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
            case 3 -> microKernel3(pa, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
            case 2 -> microKernel2(pa, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
            default -> microKernel1(pa, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
        }
    }

    private void microKernel5(float[] pa, int aBase, float[] pb, int bBase, int kc,
                              float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        FloatVector c40 = FloatVector.zero(sp), c41 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * PANEL;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(sp, pa[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(sp, pa[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(sp, pa[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(sp, pa[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
        }
        FloatVector sc = FloatVector.broadcast(sp, mode == ADD_MODE ? 1f : beta);
        put(sp, c00, c, cIdx, mode, sc);
        put(sp, c01, c, cIdx + vl, mode, sc);
        put(sp, c10, c, cIdx + ldc, mode, sc);
        put(sp, c11, c, cIdx + ldc + vl, mode, sc);
        put(sp, c20, c, cIdx + 2 * ldc, mode, sc);
        put(sp, c21, c, cIdx + 2 * ldc + vl, mode, sc);
        put(sp, c30, c, cIdx + 3 * ldc, mode, sc);
        put(sp, c31, c, cIdx + 3 * ldc + vl, mode, sc);
        put(sp, c40, c, cIdx + 4 * ldc, mode, sc);
        put(sp, c41, c, cIdx + 4 * ldc + vl, mode, sc);
    }

    private void microKernel4(float[] pa, int aBase, float[] pb, int bBase, int kc,
                              float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * PANEL;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(sp, pa[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(sp, pa[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(sp, pa[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        FloatVector sc = FloatVector.broadcast(sp, mode == ADD_MODE ? 1f : beta);
        put(sp, c00, c, cIdx, mode, sc);
        put(sp, c01, c, cIdx + vl, mode, sc);
        put(sp, c10, c, cIdx + ldc, mode, sc);
        put(sp, c11, c, cIdx + ldc + vl, mode, sc);
        put(sp, c20, c, cIdx + 2 * ldc, mode, sc);
        put(sp, c21, c, cIdx + 2 * ldc + vl, mode, sc);
        put(sp, c30, c, cIdx + 3 * ldc, mode, sc);
        put(sp, c31, c, cIdx + 3 * ldc + vl, mode, sc);
    }

    private void microKernel3(float[] pa, int aBase, float[] pb, int bBase, int kc,
                              float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * PANEL;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(sp, pa[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(sp, pa[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
        }
        FloatVector sc = FloatVector.broadcast(sp, mode == ADD_MODE ? 1f : beta);
        put(sp, c00, c, cIdx, mode, sc);
        put(sp, c01, c, cIdx + vl, mode, sc);
        put(sp, c10, c, cIdx + ldc, mode, sc);
        put(sp, c11, c, cIdx + ldc + vl, mode, sc);
        put(sp, c20, c, cIdx + 2 * ldc, mode, sc);
        put(sp, c21, c, cIdx + 2 * ldc + vl, mode, sc);
    }

    private void microKernel2(float[] pa, int aBase, float[] pb, int bBase, int kc,
                              float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * PANEL;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(sp, pa[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
        }
        FloatVector sc = FloatVector.broadcast(sp, mode == ADD_MODE ? 1f : beta);
        put(sp, c00, c, cIdx, mode, sc);
        put(sp, c01, c, cIdx + vl, mode, sc);
        put(sp, c10, c, cIdx + ldc, mode, sc);
        put(sp, c11, c, cIdx + ldc + vl, mode, sc);
    }

    private void microKernel1(float[] pa, int aBase, float[] pb, int bBase, int kc,
                              float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * PANEL;
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
        }
        FloatVector sc = FloatVector.broadcast(sp, mode == ADD_MODE ? 1f : beta);
        put(sp, c00, c, cIdx, mode, sc);
        put(sp, c01, c, cIdx + vl, mode, sc);
    }

    /** The six-row kernel's write-back of one accumulator: store, or {@code C · sc + acc}. */
    private static void put(VectorSpecies<Float> sp, FloatVector acc, float[] c, int idx, int mode, FloatVector sc) {
        if (mode == STORE_MODE) {
            acc.intoArray(c, idx);
        } else {
            FloatVector.fromArray(sp, c, idx).fma(sc, acc).intoArray(c, idx);
        }
    }
}
