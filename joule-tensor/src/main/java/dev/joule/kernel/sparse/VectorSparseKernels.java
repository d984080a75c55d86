package dev.joule.kernel.sparse;

import dev.joule.kernel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API sparse kernels at the CPU's preferred width.
 *
 * <p>Batch 1 ({@link #gemv}): CSR and N:M rows are dot products whose activations are gathered
 * through the column indices ({@code fromArray} with an index map, two accumulators, one reduction
 * per row, scalar tail); block rows are contiguous, so a block is plain vector loads, and a full
 * 4-row stripe shares each activation load across its four rows.
 *
 * <p>A batch ({@link #gemm}) is gather-free: the activations are first transposed into a panel
 * {@code xt[i · batch + b]}, so each stored weight is broadcast once and multiplies a contiguous
 * run of the batch ({@link VectorSparseBatch}).
 *
 * <p>Outputs are split over {@link Parallel}'s threads by rows (stripes for blocks) once a call has
 * enough work; each output's arithmetic is the same whatever the thread count.
 *
 * <p>Only load this class once {@code jdk.incubator.vector} is known to be readable
 * ({@link SparseKernelSelection} does).
 */
public final class VectorSparseKernels implements SparseKernels {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /**
     * A thread's share of a parallel call is at least about this many multiply-accumulates: gathered
     * MACs cost ~0.8 ns each, contiguous ones ~0.07-0.1 ns (measured at 1024²), and a parallel
     * section costs tens of µs to wake up, so each share is at least ~20-50 µs of work.
     */
    static final long PARALLEL_GATHERED_MACS = 1 << 16;
    static final long PARALLEL_CONTIGUOUS_MACS = 1 << 18;
    /** {@code vl} zeros then {@code vl} ones: a load at {@code vl - d} keeps lanes {@code >= d}. */
    private static final float[] ZEROS_THEN_ONES = zerosThenOnes(SPECIES.length());

    private VectorSparseKernels() {}

    /** The vector sparse kernels; needs {@code --add-modules jdk.incubator.vector}. */
    public static SparseKernels create() {
        return new VectorSparseKernels();
    }

    @Override
    public String name() {
        return "sparse vector " + SPECIES.vectorBitSize() + "-bit";
    }

    @Override
    public void gemv(SparseMatrix w, float[] x, int xOff, float[] y, int yOff) {
        ScalarSparseKernels.checkGemv(w, x, xOff, y, yOff);
        ScalarSparseKernels.record(w, 1);
        if (w instanceof CsrMatrix m) {
            int[] start = m.rowStart();
            Parallel.parallelFor(m.rows(), grain(m, 1, 1, PARALLEL_GATHERED_MACS), (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    y[yOff + o] = gatherDot(m.values(), m.columns(), start[o], start[o + 1], x, xOff);
                }
            });
        } else if (w instanceof NmMatrix m) {
            int kept = m.keptPerRow();
            Parallel.parallelFor(m.rows(), grain(m, 1, 1, PARALLEL_GATHERED_MACS), (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    y[yOff + o] = gatherDot(m.values(), m.columns(), o * kept, (o + 1) * kept, x, xOff);
                }
            });
        } else {
            BlockSparseMatrix m = (BlockSparseMatrix) w;
            int stripes = m.stripeStart().length - 1;
            Parallel.parallelFor(stripes, grain(m, m.blockRows(), 1, PARALLEL_CONTIGUOUS_MACS), (s0, s1) -> {
                for (int s = s0; s < s1; s++) {
                    blockStripe(m, s, x, xOff, y, yOff);
                }
            });
        }
    }

    @Override
    public void gemm(SparseMatrix w, int batch, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        ScalarSparseKernels.checkGemm(w, batch, x, xOff, ldx, y, yOff, ldy);
        ScalarSparseKernels.record(w, batch);
        if (batch == 0 || w.rows() == 0) {
            return;
        }
        VectorSparseBatch.gemm(w, batch, x, xOff, ldx, y, yOff, ldy);
    }

    /** Rows (or stripes of {@code unitRows} rows) per parallel chunk, from the average work per row. */
    static int grain(SparseMatrix w, int unitRows, int batch, long macsPerShare) {
        double macsPerUnit = Math.max(1.0, (double) w.nnz() * batch * unitRows / Math.max(1, w.rows()));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, macsPerShare / macsPerUnit));
    }

    private static float[] zerosThenOnes(int vl) {
        float[] a = new float[2 * vl];
        java.util.Arrays.fill(a, vl, 2 * vl, 1f);
        return a;
    }

    /** {@code Σ_{k in [from, to)} val[k] · x[xOff + col[k]]}, the activations gathered. */
    static float gatherDot(float[] val, int[] col, int from, int to, float[] x, int xOff) {
        VectorSpecies<Float> sp = SPECIES;
        int vl = sp.length();
        FloatVector a0 = FloatVector.zero(sp);
        FloatVector a1 = FloatVector.zero(sp);
        int k = from;
        for (; k <= to - 2 * vl; k += 2 * vl) {
            a0 = FloatVector.fromArray(sp, val, k).fma(FloatVector.fromArray(sp, x, xOff, col, k), a0);
            a1 = FloatVector.fromArray(sp, val, k + vl).fma(FloatVector.fromArray(sp, x, xOff, col, k + vl), a1);
        }
        if (k <= to - vl) {
            a0 = FloatVector.fromArray(sp, val, k).fma(FloatVector.fromArray(sp, x, xOff, col, k), a0);
            k += vl;
        }
        int start = to - vl;
        if (k < to && start >= 0) {
            // The last vl entries, of which the first k - start were done (or belong to the row
            // before): their values are multiplied by 0, so one more gather replaces a scalar tail
            // of up to vl - 1 dependent adds. Reading the row before is safe: its columns are valid.
            FloatVector keep = FloatVector.fromArray(sp, ZEROS_THEN_ONES, vl - (k - start));
            a1 = FloatVector.fromArray(sp, val, start).mul(keep)
                    .fma(FloatVector.fromArray(sp, x, xOff, col, start), a1);
            k = to;
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; k < to; k++) {
            s += val[k] * x[xOff + col[k]];
        }
        return s;
    }

    private static void blockStripe(BlockSparseMatrix m, int s, float[] x, int xOff, float[] y, int yOff) {
        int br = m.blockRows();
        int r0 = s * br;
        int rowsHere = Math.min(br, m.rows() - r0);
        if (br == 4 && rowsHere == 4 && m.blockCols() == SPECIES.length()) {
            blockFourRows(m, s, x, xOff, y, yOff + r0);
        } else {
            for (int r = 0; r < rowsHere; r++) {
                y[yOff + r0 + r] = blockRowDot(m, s, r, x, xOff);
            }
        }
    }

    /** Row {@code r} of stripe {@code s}: contiguous block rows against contiguous activations. */
    private static float blockRowDot(BlockSparseMatrix m, int s, int r, float[] x, int xOff) {
        VectorSpecies<Float> sp = SPECIES;
        int vl = sp.length();
        int br = m.blockRows();
        int bc = m.blockCols();
        int[] bcol = m.blockCol();
        float[] val = m.values();
        FloatVector acc = FloatVector.zero(sp);
        float tail = 0f;
        for (int k = m.stripeStart()[s]; k < m.stripeStart()[s + 1]; k++) {
            int c0 = bcol[k];
            int len = Math.min(bc, m.cols() - c0);
            int v = (k * br + r) * bc;
            int c = 0;
            for (; c <= len - vl; c += vl) {
                acc = FloatVector.fromArray(sp, val, v + c).fma(FloatVector.fromArray(sp, x, xOff + c0 + c), acc);
            }
            for (; c < len; c++) {
                tail += val[v + c] * x[xOff + c0 + c];
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail;
    }

    /**
     * A full 4-row stripe of one-vector-wide blocks: each activation vector is loaded once for four
     * rows. One flat loop over the blocks (no inner loop over the block's columns): vectors carried
     * through nested loops were not kept in registers by C2 (measured 4x slower than dense at 50 %).
     */
    private static void blockFourRows(BlockSparseMatrix m, int s, float[] x, int xOff, float[] y, int yRow) {
        VectorSpecies<Float> sp = SPECIES;
        int vl = sp.length();
        int[] bcol = m.blockCol();
        float[] val = m.values();
        int cols = m.cols();
        FloatVector a0 = FloatVector.zero(sp), a1 = FloatVector.zero(sp);
        FloatVector a2 = FloatVector.zero(sp), a3 = FloatVector.zero(sp);
        float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f;
        for (int k = m.stripeStart()[s], end = m.stripeStart()[s + 1]; k < end; k++) {
            int c0 = bcol[k];
            int v = 4 * k * vl;
            if (c0 + vl <= cols) {
                FloatVector xv = FloatVector.fromArray(sp, x, xOff + c0);
                a0 = FloatVector.fromArray(sp, val, v).fma(xv, a0);
                a1 = FloatVector.fromArray(sp, val, v + vl).fma(xv, a1);
                a2 = FloatVector.fromArray(sp, val, v + 2 * vl).fma(xv, a2);
                a3 = FloatVector.fromArray(sp, val, v + 3 * vl).fma(xv, a3);
            } else {
                for (int c = 0; c < cols - c0; c++) {
                    float xc = x[xOff + c0 + c];
                    t0 += val[v + c] * xc;
                    t1 += val[v + vl + c] * xc;
                    t2 += val[v + 2 * vl + c] * xc;
                    t3 += val[v + 3 * vl + c] * xc;
                }
            }
        }
        y[yRow] = a0.reduceLanes(VectorOperators.ADD) + t0;
        y[yRow + 1] = a1.reduceLanes(VectorOperators.ADD) + t1;
        y[yRow + 2] = a2.reduceLanes(VectorOperators.ADD) + t2;
        y[yRow + 3] = a3.reduceLanes(VectorOperators.ADD) + t3;
    }
}
