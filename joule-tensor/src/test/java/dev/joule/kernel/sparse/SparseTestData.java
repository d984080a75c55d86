package dev.joule.kernel.sparse;

import java.util.SplittableRandom;

/** Random matrices with controlled sparsity for the sparse tests. */
final class SparseTestData {
    private SparseTestData() {}

    /** A rows × cols matrix with about {@code density} nonzeros, some rows forced empty. */
    static float[] unstructured(SplittableRandom rnd, int rows, int cols, double density) {
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            boolean empty = rnd.nextInt(5) == 0;
            for (int i = 0; i < cols; i++) {
                if (!empty && rnd.nextDouble() < density) {
                    w[o * cols + i] = value(rnd);
                }
            }
        }
        return w;
    }

    /** A matrix whose nonzeros fill whole {@code br × bc} blocks (about {@code density} of them). */
    static float[] blocky(SplittableRandom rnd, int rows, int cols, int br, int bc, double density) {
        float[] w = new float[rows * cols];
        for (int r0 = 0; r0 < rows; r0 += br) {
            for (int c0 = 0; c0 < cols; c0 += bc) {
                if (rnd.nextDouble() < density) {
                    for (int r = r0; r < Math.min(rows, r0 + br); r++) {
                        for (int c = c0; c < Math.min(cols, c0 + bc); c++) {
                            w[r * cols + c] = value(rnd);
                        }
                    }
                }
            }
        }
        return w;
    }

    static float[] dense(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = value(rnd);
        }
        return x;
    }

    static float value(SplittableRandom rnd) {
        float v = (float) (rnd.nextDouble() * 2 - 1);
        return v == 0f ? 0.5f : v;
    }

    /** Y[b, o] = Σ_i X[b, i] · W[o, i] with float sums in ascending i (the dense scalar reference). */
    static float[] reference(float[] w, int rows, int cols, int batch, float[] x, int xOff, int ldx) {
        float[] y = new float[batch * rows];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < rows; o++) {
                float s = 0f;
                for (int i = 0; i < cols; i++) {
                    s += w[o * cols + i] * x[xOff + b * ldx + i];
                }
                y[b * rows + o] = s;
            }
        }
        return y;
    }

    /** Σ_i |W[o, i] · X[b, i]|, the scale a reordered float sum's error is relative to. */
    static float[] magnitude(float[] w, int rows, int cols, int batch, float[] x, int xOff, int ldx) {
        float[] y = new float[batch * rows];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < rows; o++) {
                float s = 0f;
                for (int i = 0; i < cols; i++) {
                    s += Math.abs(w[o * cols + i] * x[xOff + b * ldx + i]);
                }
                y[b * rows + o] = s;
            }
        }
        return y;
    }
}
