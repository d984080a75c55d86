package dev.joule.kernel.sparse;

import dev.joule.tensor.OpCounter;

/**
 * The reference sparse kernels: plain loops summing each output's products in ascending input
 * order, one float accumulator. The oracle the vector kernels are tested against.
 */
public class ScalarSparseKernels implements SparseKernels {

    @Override
    public String name() {
        return "sparse scalar";
    }

    @Override
    public void gemv(SparseMatrix w, float[] x, int xOff, float[] y, int yOff) {
        checkGemv(w, x, xOff, y, yOff);
        record(w, 1);
        gemmLoops(w, 1, x, xOff, w.cols(), y, yOff, w.rows());
    }

    @Override
    public void gemm(SparseMatrix w, int batch, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        checkGemm(w, batch, x, xOff, ldx, y, yOff, ldy);
        record(w, batch);
        gemmLoops(w, batch, x, xOff, ldx, y, yOff, ldy);
    }

    private static void gemmLoops(SparseMatrix w, int batch, float[] x, int xOff, int ldx,
                                  float[] y, int yOff, int ldy) {
        for (int b = 0; b < batch; b++) {
            int xb = xOff + b * ldx;
            int yb = yOff + b * ldy;
            if (w instanceof CsrMatrix m) {
                csrRow(m, x, xb, y, yb);
            } else if (w instanceof NmMatrix m) {
                nmRow(m, x, xb, y, yb);
            } else {
                blockRow((BlockSparseMatrix) w, x, xb, y, yb);
            }
        }
    }

    private static void csrRow(CsrMatrix m, float[] x, int xb, float[] y, int yb) {
        int[] start = m.rowStart();
        int[] col = m.columns();
        float[] val = m.values();
        for (int o = 0; o < m.rows(); o++) {
            float s = 0f;
            for (int k = start[o]; k < start[o + 1]; k++) {
                s += val[k] * x[xb + col[k]];
            }
            y[yb + o] = s;
        }
    }

    private static void nmRow(NmMatrix m, float[] x, int xb, float[] y, int yb) {
        int[] col = m.columns();
        float[] val = m.values();
        int kept = m.keptPerRow();
        for (int o = 0; o < m.rows(); o++) {
            float s = 0f;
            for (int k = o * kept; k < (o + 1) * kept; k++) {
                s += val[k] * x[xb + col[k]];
            }
            y[yb + o] = s;
        }
    }

    private static void blockRow(BlockSparseMatrix m, float[] x, int xb, float[] y, int yb) {
        int br = m.blockRows();
        int bc = m.blockCols();
        int[] start = m.stripeStart();
        int[] bcol = m.blockCol();
        float[] val = m.values();
        for (int o = 0; o < m.rows(); o++) {
            int s0 = o / br;
            int r = o % br;
            float s = 0f;
            for (int k = start[s0]; k < start[s0 + 1]; k++) {
                int len = Math.min(bc, m.cols() - bcol[k]);
                int v = (k * br + r) * bc;
                for (int c = 0; c < len; c++) {
                    s += val[v + c] * x[xb + bcol[k] + c];
                }
            }
            y[yb + o] = s;
        }
    }

    /** One record per call: stored weights times batch MACs; weights, indices, X and Y bytes. */
    static void record(SparseMatrix w, int batch) {
        long macs = w.nnz() * batch;
        long bytes = w.storageBytes() + 4L * batch * ((long) w.cols() + w.rows());
        OpCounter.record(macs, 0, bytes);
    }

    static void checkGemv(SparseMatrix w, float[] x, int xOff, float[] y, int yOff) {
        SparseChecks.window("sparse gemv input x", x.length, xOff, w.cols());
        SparseChecks.window("sparse gemv output y", y.length, yOff, w.rows());
    }

    static void checkGemm(SparseMatrix w, int batch, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        if (batch < 0) {
            throw new IllegalArgumentException("sparse gemm: batch must be >= 0, got " + batch);
        }
        SparseChecks.matrix("sparse gemm input X [batch, " + w.cols() + "]", x.length, xOff, batch, w.cols(), ldx);
        SparseChecks.matrix("sparse gemm output Y [batch, " + w.rows() + "]", y.length, yOff, batch, w.rows(), ldy);
    }
}
