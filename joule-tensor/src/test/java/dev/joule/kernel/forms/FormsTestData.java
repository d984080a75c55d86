package dev.joule.kernel.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.kernel.quant.QuantKernels;
import dev.joule.kernel.quant.ScalarQuantKernels;
import dev.joule.kernel.quant.VectorQuantKernels;
import dev.joule.kernel.sparse.ScalarSparseKernels;
import dev.joule.kernel.sparse.SparseKernels;
import dev.joule.kernel.sparse.VectorSparseKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.IntVector;

/** Random matrices and inputs, a double-precision reference product, and every kernel implementation. */
final class FormsTestData {
    /** {rows, out, in}: batch 1 and larger, odd sizes (vector and block tails), a 4-row tile batch. */
    static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 31}, {1, 13, 33}, {2, 5, 70}, {3, 17, 9}, {4, 9, 65}, {5, 33, 100}, {9, 24, 64}, {1, 64, 128},
    };

    private FormsTestData() {}

    static float[] random(long seed, int n, double range) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
        return a;
    }

    /** {@code y[b, o] = Σ_i x[b, i] · w[o, i]} in double. */
    static double[] reference(float[] w, int out, int in, float[] x, int xOff, int rows) {
        double[] y = new double[rows * out];
        for (int b = 0; b < rows; b++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) {
                    s += (double) x[xOff + b * in + i] * w[o * in + i];
                }
                y[b * out + o] = s;
            }
        }
        return y;
    }

    /** {@code Σ_i |x[b, i] · w[o, i]|}: the scale a float rounding error is relative to. */
    static double[] magnitude(float[] w, int out, int in, float[] x, int xOff, int rows) {
        double[] m = new double[rows * out];
        for (int b = 0; b < rows; b++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) {
                    s += Math.abs((double) x[xOff + b * in + i] * w[o * in + i]);
                }
                m[b * out + o] = s;
            }
        }
        return m;
    }

    /** Runs {@code form} at offsets 3 (input) and 2 (output) and returns the {@code rows × out} outputs. */
    static float[] run(LinearWeights form, float[] x, int rows) {
        int in = form.inFeatures(), out = form.outFeatures();
        float[] padded = new float[3 + rows * in];
        System.arraycopy(x, 0, padded, 3, rows * in);
        float[] y = new float[2 + rows * out + 1];
        java.util.Arrays.fill(y, Float.NaN); // outputs must be overwritten, whatever was there
        form.multiply(padded, 3, rows, y, 2);
        float[] result = new float[rows * out];
        System.arraycopy(y, 2, result, 0, rows * out);
        assertEquals(Float.NaN, y[0], "wrote before the output window");
        assertEquals(Float.NaN, y[y.length - 1], "wrote after the output window");
        return result;
    }

    /** Every output within {@code 1e-5 · (1 + Σ|w·x|)} of the reference. */
    static void assertClose(double[] expected, double[] magnitude, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-5 * (1 + magnitude[k]), what + " output " + k);
        }
    }

    static List<QuantKernels> quantKernels() {
        List<QuantKernels> out = new ArrayList<>();
        out.add(new ScalarQuantKernels());
        for (int bits = 256; bits <= Math.min(512, IntVector.SPECIES_PREFERRED.vectorBitSize()); bits *= 2) {
            out.add(VectorQuantKernels.forBits(bits));
        }
        return out;
    }

    static List<SparseKernels> sparseKernels() {
        return List.of(new ScalarSparseKernels(), VectorSparseKernels.create());
    }

    static List<ActiveRowSums> activeRowSums() {
        return List.of(new ScalarActiveRowSums(), VectorActiveRowSums.create());
    }
}
