package dev.joule.kernel.sparse;

import dev.joule.kernel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The batched sparse product {@code Y[b, o] = Σ_i X[b, i] · W[o, i]}, gather-free.
 *
 * <pre>
 *   X [batch, cols] (row-major, ldx)  --transpose once-->  panel xt[i · batch + b]
 *   per output o, per chunk of the batch:  acc[b..] += broadcast(W[o, i]) · xt[i · batch + b ..]
 *   acc is stored into Y[b, o] (stride ldy)
 * </pre>
 *
 * Each stored weight is read once per batch chunk and multiplies contiguous activations. CSR and
 * N:M rows keep four accumulators (two weights in flight, two vectors of the batch each) so the
 * FMA latency is hidden; a full 4-row block stripe keeps eight (four rows × two vectors) and loads
 * each activation vector once for its four rows, like a dense micro-kernel.
 */
final class VectorSparseBatch {
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    private VectorSparseBatch() {}

    static void gemm(SparseMatrix w, int batch, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        float[] xt = panel(w.cols(), batch, x, xOff, ldx);
        if (w instanceof CsrMatrix m) {
            int[] start = m.rowStart();
            Parallel.parallelFor(m.rows(), VectorSparseKernels.grain(m, 1, batch, VectorSparseKernels.PARALLEL_CONTIGUOUS_MACS), (o0, o1) -> {
                float[] tmp = new float[2 * VectorSparseKernels.SPECIES.length()];
                for (int o = o0; o < o1; o++) {
                    indexedRow(m.values(), m.columns(), start[o], start[o + 1], xt, batch, y, yOff + o, ldy, tmp);
                }
            });
        } else if (w instanceof NmMatrix m) {
            int kept = m.keptPerRow();
            Parallel.parallelFor(m.rows(), VectorSparseKernels.grain(m, 1, batch, VectorSparseKernels.PARALLEL_CONTIGUOUS_MACS), (o0, o1) -> {
                float[] tmp = new float[2 * VectorSparseKernels.SPECIES.length()];
                for (int o = o0; o < o1; o++) {
                    indexedRow(m.values(), m.columns(), o * kept, (o + 1) * kept, xt, batch, y, yOff + o, ldy, tmp);
                }
            });
        } else {
            BlockSparseMatrix m = (BlockSparseMatrix) w;
            int stripes = m.stripeStart().length - 1;
            Parallel.parallelFor(stripes, VectorSparseKernels.grain(m, m.blockRows(), batch, VectorSparseKernels.PARALLEL_CONTIGUOUS_MACS), (s0, s1) -> {
                float[] tmp = new float[8 * VectorSparseKernels.SPECIES.length()];
                for (int s = s0; s < s1; s++) {
                    blockStripe(m, s, xt, batch, y, yOff, ldy, tmp);
                }
            });
        }
    }

    /** The transposed activations {@code xt[i · batch + b] = X[b, i]}, in this thread's scratch array. */
    private static float[] panel(int cols, int batch, float[] x, int xOff, int ldx) {
        int len = cols * batch;
        float[] xt = PANEL.get();
        if (xt.length < len) {
            xt = new float[len];
            PANEL.set(xt);
        }
        for (int b = 0; b < batch; b++) {
            int row = xOff + b * ldx;
            for (int i = 0, at = b; i < cols; i++, at += batch) {
                xt[at] = x[row + i];
            }
        }
        return xt;
    }

    /** One CSR / N:M output {@code o} (at {@code y[yo + b·ldy]}) for the whole batch. */
    private static void indexedRow(float[] val, int[] col, int from, int to, float[] xt, int batch,
                                   float[] y, int yo, int ldy, float[] tmp) {
        VectorSpecies<Float> sp = VectorSparseKernels.SPECIES;
        int vl = sp.length();
        int b0 = 0;
        for (; b0 <= batch - 2 * vl; b0 += 2 * vl) {
            FloatVector a0 = FloatVector.zero(sp), a1 = FloatVector.zero(sp);
            FloatVector c0 = FloatVector.zero(sp), c1 = FloatVector.zero(sp);
            int k = from;
            for (; k < to - 1; k += 2) {
                FloatVector w0 = FloatVector.broadcast(sp, val[k]);
                FloatVector w1 = FloatVector.broadcast(sp, val[k + 1]);
                int p0 = col[k] * batch + b0;
                int p1 = col[k + 1] * batch + b0;
                a0 = w0.fma(FloatVector.fromArray(sp, xt, p0), a0);
                a1 = w0.fma(FloatVector.fromArray(sp, xt, p0 + vl), a1);
                c0 = w1.fma(FloatVector.fromArray(sp, xt, p1), c0);
                c1 = w1.fma(FloatVector.fromArray(sp, xt, p1 + vl), c1);
            }
            if (k < to) {
                FloatVector w0 = FloatVector.broadcast(sp, val[k]);
                int p0 = col[k] * batch + b0;
                a0 = w0.fma(FloatVector.fromArray(sp, xt, p0), a0);
                a1 = w0.fma(FloatVector.fromArray(sp, xt, p0 + vl), a1);
            }
            a0.add(c0).intoArray(tmp, 0);
            a1.add(c1).intoArray(tmp, vl);
            store(tmp, 2 * vl, y, yo + b0 * ldy, ldy);
        }
        for (; b0 <= batch - vl; b0 += vl) {
            FloatVector a0 = FloatVector.zero(sp);
            for (int k = from; k < to; k++) {
                a0 = FloatVector.broadcast(sp, val[k]).fma(FloatVector.fromArray(sp, xt, col[k] * batch + b0), a0);
            }
            a0.intoArray(tmp, 0);
            store(tmp, vl, y, yo + b0 * ldy, ldy);
        }
        for (; b0 < batch; b0++) {
            float s = 0f;
            for (int k = from; k < to; k++) {
                s += val[k] * xt[col[k] * batch + b0];
            }
            y[yo + b0 * ldy] = s;
        }
    }

    private static void blockStripe(BlockSparseMatrix m, int s, float[] xt, int batch,
                                    float[] y, int yOff, int ldy, float[] tmp) {
        int br = m.blockRows();
        int r0 = s * br;
        int rowsHere = Math.min(br, m.rows() - r0);
        int vl = VectorSparseKernels.SPECIES.length();
        int b0 = 0;
        if (br == 4 && rowsHere == 4 && m.blockCols() == vl) {
            for (; b0 <= batch - 2 * vl; b0 += 2 * vl) {
                blockFourRows(m, s, xt, batch, b0, tmp);
                for (int r = 0; r < 4; r++) {
                    store(tmp, r * 2 * vl, 2 * vl, y, yOff + r0 + r + b0 * ldy, ldy);
                }
            }
        }
        for (int r = 0; r < rowsHere; r++) {
            blockRowRest(m, s, r, xt, batch, b0, y, yOff + r0 + r, ldy, tmp);
        }
    }

    /**
     * Four rows × two vectors of the batch from {@code b0}: eight accumulators, into {@code tmp[r·2vl ..]}.
     * Blocks are one vector wide (a power of two), and the loop runs flat over (block, column)
     * pairs: vectors carried through nested loops were not kept in registers by C2 (see the gemv).
     */
    private static void blockFourRows(BlockSparseMatrix m, int s, float[] xt, int batch, int b0, float[] tmp) {
        VectorSpecies<Float> sp = VectorSparseKernels.SPECIES;
        int vl = sp.length();
        int shift = Integer.numberOfTrailingZeros(vl);
        int cols = m.cols();
        int[] bcol = m.blockCol();
        float[] val = m.values();
        FloatVector a00 = FloatVector.zero(sp), a01 = FloatVector.zero(sp);
        FloatVector a10 = FloatVector.zero(sp), a11 = FloatVector.zero(sp);
        FloatVector a20 = FloatVector.zero(sp), a21 = FloatVector.zero(sp);
        FloatVector a30 = FloatVector.zero(sp), a31 = FloatVector.zero(sp);
        for (int j = m.stripeStart()[s] << shift, end = m.stripeStart()[s + 1] << shift; j < end; j++) {
            int c = j & (vl - 1);
            int col = bcol[j >>> shift] + c;
            if (col < cols) {
                int v = 4 * j - 3 * c; // (4k + 0)·vl + c with k = j / vl
                int p = col * batch + b0;
                FloatVector x0 = FloatVector.fromArray(sp, xt, p);
                FloatVector x1 = FloatVector.fromArray(sp, xt, p + vl);
                FloatVector w0 = FloatVector.broadcast(sp, val[v]);
                FloatVector w1 = FloatVector.broadcast(sp, val[v + vl]);
                FloatVector w2 = FloatVector.broadcast(sp, val[v + 2 * vl]);
                FloatVector w3 = FloatVector.broadcast(sp, val[v + 3 * vl]);
                a00 = w0.fma(x0, a00);
                a01 = w0.fma(x1, a01);
                a10 = w1.fma(x0, a10);
                a11 = w1.fma(x1, a11);
                a20 = w2.fma(x0, a20);
                a21 = w2.fma(x1, a21);
                a30 = w3.fma(x0, a30);
                a31 = w3.fma(x1, a31);
            }
        }
        a00.intoArray(tmp, 0);
        a01.intoArray(tmp, vl);
        a10.intoArray(tmp, 2 * vl);
        a11.intoArray(tmp, 3 * vl);
        a20.intoArray(tmp, 4 * vl);
        a21.intoArray(tmp, 5 * vl);
        a30.intoArray(tmp, 6 * vl);
        a31.intoArray(tmp, 7 * vl);
    }

    /** Row {@code r} of stripe {@code s} for batch entries {@code b0 ..}: one vector at a time, then scalar. */
    private static void blockRowRest(BlockSparseMatrix m, int s, int r, float[] xt, int batch, int b0,
                                     float[] y, int yo, int ldy, float[] tmp) {
        VectorSpecies<Float> sp = VectorSparseKernels.SPECIES;
        int vl = sp.length();
        int br = m.blockRows();
        int bc = m.blockCols();
        int[] bcol = m.blockCol();
        float[] val = m.values();
        int from = m.stripeStart()[s];
        int to = m.stripeStart()[s + 1];
        for (; b0 <= batch - vl; b0 += vl) {
            FloatVector acc = FloatVector.zero(sp);
            for (int k = from; k < to; k++) {
                int len = Math.min(bc, m.cols() - bcol[k]);
                int v = (k * br + r) * bc;
                for (int c = 0; c < len; c++) {
                    acc = FloatVector.broadcast(sp, val[v + c])
                            .fma(FloatVector.fromArray(sp, xt, (bcol[k] + c) * batch + b0), acc);
                }
            }
            acc.intoArray(tmp, 0);
            store(tmp, vl, y, yo + b0 * ldy, ldy);
        }
        for (; b0 < batch; b0++) {
            float sum = 0f;
            for (int k = from; k < to; k++) {
                int len = Math.min(bc, m.cols() - bcol[k]);
                int v = (k * br + r) * bc;
                for (int c = 0; c < len; c++) {
                    sum += val[v + c] * xt[(bcol[k] + c) * batch + b0];
                }
            }
            y[yo + b0 * ldy] = sum;
        }
    }

    private static void store(float[] tmp, int len, float[] y, int at, int ldy) {
        store(tmp, 0, len, y, at, ldy);
    }

    private static void store(float[] tmp, int from, int len, float[] y, int at, int ldy) {
        for (int l = 0; l < len; l++, at += ldy) {
            y[at] = tmp[from + l];
        }
    }
}
