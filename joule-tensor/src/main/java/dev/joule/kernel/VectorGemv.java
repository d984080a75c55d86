package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products, the {@code m == 1} or {@code n == 1} shapes of gemm (batch-1 inference,
 * a single query). Both reduce to one of two loops over a row-major matrix {@code M}:
 * <ul>
 *   <li>{@code y[j] = x · M[j, :]} (rows contiguous: one dot product per output), or</li>
 *   <li>{@code y[j] = Σ_p x[p] · M[p, j]} (walk M row by row, four vectors of outputs in registers).</li>
 * </ul>
 * A strided input vector is gathered first; outputs go to a scratch vector, then into C with beta.
 * These shapes are memory-bound, so large ones split their outputs across {@link Parallel}'s threads.
 */
abstract class VectorGemv extends VectorPrimitives {
    /** Each thread's share of a parallel matrix-vector product is at least about this many MACs. */
    private static final long PARALLEL_MACS = 1 << 18;

    final void gemv(boolean transA, boolean transB, int m, int n, int k,
                    float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        GemmScratch s = GemmScratch.get();
        if (m == 1) {
            float[] x = a;
            int xOff = aOff;
            if (transA) {
                x = gather(s.x(k), a, aOff, lda, k);
                xOff = 0;
            }
            float[] y = s.y(n);
            if (transB) {
                dotRows(x, xOff, k, b, bOff, ldb, n, y);
            } else {
                vecMat(x, xOff, k, b, bOff, ldb, n, y);
            }
            writeBack(y, n, beta, c, cOff, 1);
        } else {
            float[] x = b;
            int xOff = bOff;
            if (!transB) {
                x = gather(s.x(k), b, bOff, ldb, k);
                xOff = 0;
            }
            float[] y = s.y(m);
            if (transA) {
                vecMat(x, xOff, k, a, aOff, lda, m, y);
            } else {
                dotRows(x, xOff, k, a, aOff, lda, m, y);
            }
            writeBack(y, m, beta, c, cOff, ldc);
        }
    }

    private static float[] gather(float[] dst, float[] src, int off, int stride, int len) {
        for (int p = 0; p < len; p++) {
            dst[p] = src[off + p * stride];
        }
        return dst;
    }

    private static void writeBack(float[] y, int len, float beta, float[] c, int cOff, int stride) {
        if (beta == 0f) {
            for (int j = 0; j < len; j++) {
                c[cOff + j * stride] = y[j];
            }
        } else {
            for (int j = 0; j < len; j++) {
                c[cOff + j * stride] = y[j] + beta * c[cOff + j * stride];
            }
        }
    }

    /** {@code y[j] = x · M[j, 0..k)} for {@code j < rows}, M's rows {@code ld} apart. */
    private void dotRows(float[] x, int xOff, int k, float[] mat, int mOff, int ld, int rows, float[] y) {
        int grain = (int) Math.max(1, PARALLEL_MACS / Math.max(1, k));
        // Groups of four rows at fixed positions, so a row's arithmetic never depends on the thread count.
        Parallel.parallelFor((rows + 3) / 4, Math.max(1, grain / 4), (u0, u1) -> {
            for (int j = 4 * u0; j < Math.min(4 * u1, rows); j += 4) {
                if (j + 4 <= rows) {
                    dotFourRows(x, xOff, k, mat, mOff + j * ld, ld, y, j);
                } else {
                    for (int r = j; r < rows; r++) {
                        y[r] = dotUncounted(x, xOff, mat, mOff + r * ld, k);
                    }
                }
            }
        });
    }

    /** Four dot products sharing each load of x; four independent reductions at the end. */
    private void dotFourRows(float[] x, int xOff, int k, float[] mat, int row0, int ld, float[] y, int j) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector s0 = FloatVector.zero(sp), s1 = FloatVector.zero(sp);
        FloatVector s2 = FloatVector.zero(sp), s3 = FloatVector.zero(sp);
        int p = 0;
        for (; p <= k - vl; p += vl) {
            FloatVector xv = FloatVector.fromArray(sp, x, xOff + p);
            s0 = xv.fma(FloatVector.fromArray(sp, mat, row0 + p), s0);
            s1 = xv.fma(FloatVector.fromArray(sp, mat, row0 + ld + p), s1);
            s2 = xv.fma(FloatVector.fromArray(sp, mat, row0 + 2 * ld + p), s2);
            s3 = xv.fma(FloatVector.fromArray(sp, mat, row0 + 3 * ld + p), s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            float xp = x[xOff + p];
            r0 += xp * mat[row0 + p];
            r1 += xp * mat[row0 + ld + p];
            r2 += xp * mat[row0 + 2 * ld + p];
            r3 += xp * mat[row0 + 3 * ld + p];
        }
        y[j] = r0;
        y[j + 1] = r1;
        y[j + 2] = r2;
        y[j + 3] = r3;
    }

    /** {@code y[j] = Σ_p x[p] · M[p, j]} for {@code j < cols}; M is {@code k × cols}, rows {@code ld} apart. */
    private void vecMat(float[] x, int xOff, int k, float[] mat, int mOff, int ld, int cols, float[] y) {
        int block = 8 * species().length();
        int units = (cols + block - 1) / block;
        int grain = (int) Math.max(1, PARALLEL_MACS / ((long) block * Math.max(1, k)));
        Parallel.parallelFor(units, grain, (u0, u1) ->
                vecMatRange(x, xOff, k, mat, mOff, ld, u0 * block, Math.min(u1 * block, cols), y));
    }

    private void vecMatRange(float[] x, int xOff, int k, float[] mat, int mOff, int ld,
                             int from, int to, float[] y) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        int j = from;
        for (; j <= to - 8 * vl; j += 8 * vl) {
            vecMatEightVectors(x, xOff, k, mat, mOff, ld, j, y);
        }
        for (; j <= to - 4 * vl; j += 4 * vl) {
            FloatVector s0 = FloatVector.zero(sp), s1 = FloatVector.zero(sp);
            FloatVector s2 = FloatVector.zero(sp), s3 = FloatVector.zero(sp);
            for (int p = 0, row = mOff + j; p < k; p++, row += ld) {
                FloatVector xp = FloatVector.broadcast(sp, x[xOff + p]);
                s0 = xp.fma(FloatVector.fromArray(sp, mat, row), s0);
                s1 = xp.fma(FloatVector.fromArray(sp, mat, row + vl), s1);
                s2 = xp.fma(FloatVector.fromArray(sp, mat, row + 2 * vl), s2);
                s3 = xp.fma(FloatVector.fromArray(sp, mat, row + 3 * vl), s3);
            }
            s0.intoArray(y, j);
            s1.intoArray(y, j + vl);
            s2.intoArray(y, j + 2 * vl);
            s3.intoArray(y, j + 3 * vl);
        }
        for (; j <= to - vl; j += vl) {
            vecMatOneVector(x, xOff, k, mat, mOff, ld, j, y);
        }
        if (j < to && to - from >= vl) {
            // Last columns: one more vector that overlaps the previous one; the shared columns
            // get the same values again (same operations in the same order).
            vecMatOneVector(x, xOff, k, mat, mOff, ld, to - vl, y);
        } else if (j < to) {
            // Fewer columns than a vector: row by row, so M is still read along its rows; Math.fma
            // in the same order gives the vector lanes' results bit for bit.
            java.util.Arrays.fill(y, j, to, 0f);
            for (int p = 0; p < k; p++) {
                float xp = x[xOff + p];
                int row = mOff + p * ld;
                for (int q = j; q < to; q++) {
                    y[q] = Math.fma(xp, mat[row + q], y[q]);
                }
            }
        }
    }

    /** {@code y[j .. j + 8 vectors)}: eight accumulators, each row of M read as one 8-vector strip. */
    private void vecMatEightVectors(float[] x, int xOff, int k, float[] mat, int mOff, int ld, int j, float[] y) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector s0 = FloatVector.zero(sp), s1 = FloatVector.zero(sp);
        FloatVector s2 = FloatVector.zero(sp), s3 = FloatVector.zero(sp);
        FloatVector s4 = FloatVector.zero(sp), s5 = FloatVector.zero(sp);
        FloatVector s6 = FloatVector.zero(sp), s7 = FloatVector.zero(sp);
        for (int p = 0; p < k; p++) {
            int row = mOff + j + p * ld;
            FloatVector xp = FloatVector.broadcast(sp, x[xOff + p]);
            s0 = xp.fma(FloatVector.fromArray(sp, mat, row), s0);
            s1 = xp.fma(FloatVector.fromArray(sp, mat, row + vl), s1);
            s2 = xp.fma(FloatVector.fromArray(sp, mat, row + 2 * vl), s2);
            s3 = xp.fma(FloatVector.fromArray(sp, mat, row + 3 * vl), s3);
            s4 = xp.fma(FloatVector.fromArray(sp, mat, row + 4 * vl), s4);
            s5 = xp.fma(FloatVector.fromArray(sp, mat, row + 5 * vl), s5);
            s6 = xp.fma(FloatVector.fromArray(sp, mat, row + 6 * vl), s6);
            s7 = xp.fma(FloatVector.fromArray(sp, mat, row + 7 * vl), s7);
        }
        s0.intoArray(y, j);
        s1.intoArray(y, j + vl);
        s2.intoArray(y, j + 2 * vl);
        s3.intoArray(y, j + 3 * vl);
        s4.intoArray(y, j + 4 * vl);
        s5.intoArray(y, j + 5 * vl);
        s6.intoArray(y, j + 6 * vl);
        s7.intoArray(y, j + 7 * vl);
    }

    private void vecMatOneVector(float[] x, int xOff, int k, float[] mat, int mOff, int ld, int j, float[] y) {
        VectorSpecies<Float> sp = species();
        FloatVector s0 = FloatVector.zero(sp);
        for (int p = 0, row = mOff + j; p < k; p++, row += ld) {
            s0 = FloatVector.broadcast(sp, x[xOff + p]).fma(FloatVector.fromArray(sp, mat, row), s0);
        }
        s0.intoArray(y, j);
    }
}
