package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LayerNormRows} (the active kernels and the scalar path) against layer norm in double
 * precision: widths below, at and above a vector with tails, with and without the residual input,
 * offsets into larger arrays, and the output written over an input.
 */
class LayerNormRowsTest {
    private static final int[] WIDTHS = {1, 5, 16, 33, 384};

    @Test
    void activeAndScalarRowsMatchDoublePrecision() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int d : WIDTHS) {
            for (boolean residual : new boolean[] {false, true}) {
                int rows = 3;
                float[] x = random(rnd, 2 + rows * d, 4);
                float[] r = residual ? random(rnd, 1 + rows * d, 2) : null;
                float[] gamma = random(rnd, 3 + d, 1);
                float[] beta = random(rnd, 1 + d, 1);
                float eps = 1e-5f;
                float[] active = new float[4 + rows * d];
                LayerNormRows.forward(x, 2, r, 1, rows, d, gamma, 3, beta, 1, eps, active, 4);
                float[] scalar = new float[4 + rows * d];
                for (int i = 0; i < rows; i++) {
                    LayerNormRows.rowScalar(x, 2 + i * d, r, 1 + i * d, d, gamma, 3, beta, 1, eps, scalar, 4 + i * d);
                }
                for (int i = 0; i < rows; i++) {
                    double[] want = reference(x, 2 + i * d, r, 1 + i * d, d, gamma, 3, beta, 1, eps);
                    for (int j = 0; j < d; j++) {
                        String what = "d=" + d + (residual ? " with residual" : "") + " row " + i + " col " + j;
                        assertEquals(want[j], active[4 + i * d + j], 2e-5 * (1 + Math.abs(want[j])), Kernels.get().name() + " " + what);
                        assertEquals(want[j], scalar[4 + i * d + j], 2e-5 * (1 + Math.abs(want[j])), "scalar " + what);
                    }
                }
            }
        }
    }

    @Test
    void theOutputMayBeAnInput() {
        SplittableRandom rnd = new SplittableRandom(8);
        int d = 37, rows = 2;
        float[] x = random(rnd, rows * d, 3);
        float[] r = random(rnd, rows * d, 3);
        float[] gamma = random(rnd, d, 1);
        float[] beta = random(rnd, d, 1);
        float[] separate = new float[rows * d];
        LayerNormRows.forward(x, 0, r, 0, rows, d, gamma, 0, beta, 0, 1e-5f, separate, 0);
        LayerNormRows.forward(x, 0, r, 0, rows, d, gamma, 0, beta, 0, 1e-5f, r, 0);
        assertArrayEquals(separate, r, 0f);
    }

    private static double[] reference(float[] x, int xi, float[] r, int ri, int d, float[] gamma, int go,
                                      float[] beta, int bo, float eps) {
        double[] v = new double[d];
        double mean = 0;
        for (int j = 0; j < d; j++) {
            v[j] = x[xi + j] + (r == null ? 0.0 : r[ri + j]);
            mean += v[j] / d;
        }
        double var = 0;
        for (int j = 0; j < d; j++) {
            var += (v[j] - mean) * (v[j] - mean) / d;
        }
        double rs = 1 / Math.sqrt(var + eps);
        double[] y = new double[d];
        for (int j = 0; j < d; j++) {
            y[j] = (v[j] - mean) * rs * gamma[go + j] + beta[bo + j];
        }
        return y;
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale + 0.5);
        }
        return a;
    }
}
