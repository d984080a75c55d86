package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels of {@link VectorGemm}: {@value #MR} rows of C × two vectors, twelve
 * accumulators kept in registers, one for packed A panels and one that reads A in place through row and
 * depth strides. They live apart from the blocking and threading logic so each file reads in one sitting;
 * the methods are final, so calls to them bind statically and C2 inlines them as before.
 */
abstract class VectorMicroKernel extends VectorEdgeKernel {
    static final int MR = 6;

    /** Write-back modes: C = acc, C += acc, C = beta·C + acc. */
    static final int STORE = 0;
    static final int ADD = 1;
    static final int SCALE_ADD = 2;

    /**
     * {@code C[6 × 2 vectors] (mode) A-panel · B-panel}: twelve accumulators stay in registers; each
     * step loads two B vectors and broadcasts six A values.
     */
    final void microKernel(float[] pa, int aBase, float[] pb, int bBase, int kc,
                             float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        FloatVector c40 = FloatVector.zero(sp), c41 = FloatVector.zero(sp);
        FloatVector c50 = FloatVector.zero(sp), c51 = FloatVector.zero(sp);
        // One induction variable, so C2 can hoist the array range checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * MR;
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
            FloatVector a5 = FloatVector.broadcast(sp, pa[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (mode == STORE) {
            c00.intoArray(c, cIdx);
            c01.intoArray(c, cIdx + vl);
            c10.intoArray(c, cIdx + ldc);
            c11.intoArray(c, cIdx + ldc + vl);
            c20.intoArray(c, cIdx + 2 * ldc);
            c21.intoArray(c, cIdx + 2 * ldc + vl);
            c30.intoArray(c, cIdx + 3 * ldc);
            c31.intoArray(c, cIdx + 3 * ldc + vl);
            c40.intoArray(c, cIdx + 4 * ldc);
            c41.intoArray(c, cIdx + 4 * ldc + vl);
            c50.intoArray(c, cIdx + 5 * ldc);
            c51.intoArray(c, cIdx + 5 * ldc + vl);
        } else {
            // C = C * scale + acc; scale 1 is an exact add.
            FloatVector sc = FloatVector.broadcast(sp, mode == ADD ? 1f : beta);
            FloatVector.fromArray(sp, c, cIdx).fma(sc, c00).intoArray(c, cIdx);
            FloatVector.fromArray(sp, c, cIdx + vl).fma(sc, c01).intoArray(c, cIdx + vl);
            int r = cIdx + ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c10).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c11).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c20).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c21).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c30).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c31).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c40).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c41).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c50).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c51).intoArray(c, r + vl);
        }
    }

    /**
     * {@link #microKernel} reading six rows of op(A) in place: row r of step p at
     * {@code aIdx + r·rowStep + p·depthStep}.
     */
    final void microKernelDirect(float[] a, int aIdx, int rowStep, int depthStep, float[] pb, int bBase, int kc,
                                   float[] c, int cIdx, int ldc, int mode, float beta) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        FloatVector c40 = FloatVector.zero(sp), c41 = FloatVector.zero(sp);
        FloatVector c50 = FloatVector.zero(sp), c51 = FloatVector.zero(sp);
        int r1 = rowStep;
        int r2 = 2 * rowStep;
        int r3 = 3 * rowStep;
        int r4 = 4 * rowStep;
        int r5 = 5 * rowStep;
        for (int p = 0, ai = aIdx; p < kc; p++, ai += depthStep) {
            int bi = bBase + p * 2 * vl;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + vl);
            FloatVector a0 = FloatVector.broadcast(sp, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(sp, a[ai + r1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(sp, a[ai + r2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(sp, a[ai + r3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(sp, a[ai + r4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(sp, a[ai + r5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (mode == STORE) {
            c00.intoArray(c, cIdx);
            c01.intoArray(c, cIdx + vl);
            c10.intoArray(c, cIdx + ldc);
            c11.intoArray(c, cIdx + ldc + vl);
            c20.intoArray(c, cIdx + 2 * ldc);
            c21.intoArray(c, cIdx + 2 * ldc + vl);
            c30.intoArray(c, cIdx + 3 * ldc);
            c31.intoArray(c, cIdx + 3 * ldc + vl);
            c40.intoArray(c, cIdx + 4 * ldc);
            c41.intoArray(c, cIdx + 4 * ldc + vl);
            c50.intoArray(c, cIdx + 5 * ldc);
            c51.intoArray(c, cIdx + 5 * ldc + vl);
        } else {
            // C = C * scale + acc; scale 1 is an exact add.
            FloatVector sc = FloatVector.broadcast(sp, mode == ADD ? 1f : beta);
            FloatVector.fromArray(sp, c, cIdx).fma(sc, c00).intoArray(c, cIdx);
            FloatVector.fromArray(sp, c, cIdx + vl).fma(sc, c01).intoArray(c, cIdx + vl);
            int r = cIdx + ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c10).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c11).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c20).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c21).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c30).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c31).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c40).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c41).intoArray(c, r + vl);
            r += ldc;
            FloatVector.fromArray(sp, c, r).fma(sc, c50).intoArray(c, r);
            FloatVector.fromArray(sp, c, r + vl).fma(sc, c51).intoArray(c, r + vl);
        }
    }
}
