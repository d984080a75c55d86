package dev.joule.kernel.forms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.kernel.ScalarKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Both source layouts of the pre-packed form against the scalar x · Wᵀ, and its dense matrix. */
class PackedDenseWeightsTest {

    @Test
    void bothLayoutsComputeXTimesWTransposed() {
        SplittableRandom rnd = new SplittableRandom(3);
        int out = 70;
        int in = 45;
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        float[] wt = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wt[i * out + o] = w[o * in + i];
            }
        }
        for (int rows : new int[] {1, 3, 17}) {
            float[] x = new float[2 + rows * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            float[] expected = new float[rows * out];
            new ScalarKernels().gemm(false, true, rows, out, in, x, 2, in, w, 0, in, 0f, expected, 0, out);
            for (PackedDenseWeights form : new PackedDenseWeights[] {PackedDenseWeights.of(out, in, w),
                    PackedDenseWeights.ofInputMajor(out, in, wt)}) {
                float[] y = new float[1 + rows * out];
                java.util.Arrays.fill(y, Float.NaN);
                form.multiply(x, 2, rows, y, 1);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], y[1 + i], 1e-4f, "rows " + rows + " at " + i);
                }
                assertArrayEquals(w, form.toDense());
                assertEquals((long) out * in, form.macsPerRow());
            }
        }
    }

    @Test
    void multiplyAddKeepsTheBias() {
        float[] w = {1, 2, 3, 4, 5, 6};   // [out 2, in 3]
        PackedDenseWeights form = PackedDenseWeights.of(2, 3, w);
        float[] y = {10, 20};
        form.multiplyAdd(new float[] {1, 1, 1}, 0, 1, 1f, y, 0);
        assertArrayEquals(new float[] {16, 35}, y);
    }
}
