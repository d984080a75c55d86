package dev.joule.kernel.forms;

import static dev.joule.kernel.forms.FormsTestData.SHAPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.quant.QuantKernels;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Structured pruning: the shrunk product equals the dense product on the matrix with the pruned rows
 * and columns zeroed, for f32 and int8 small forms, with and without the gather and the scatter.
 */
class ShrunkWeightsTest {

    private static int[] keep(SplittableRandom rnd, int n, double fraction) {
        return IntStream.range(0, n).filter(i -> rnd.nextDouble() < fraction).toArray();
    }

    private static float[] zeroPruned(float[] w, int out, int in, int[] rows, int[] cols) {
        boolean[] keepRow = new boolean[out];
        boolean[] keepCol = new boolean[in];
        for (int r : rows) {
            keepRow[r] = true;
        }
        for (int c : cols) {
            keepCol[c] = true;
        }
        float[] z = w.clone();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                if (!keepRow[o] || !keepCol[i]) {
                    z[o * in + i] = 0f;
                }
            }
        }
        return z;
    }

    @Test
    void equalsTheDenseProductWithPrunedRowsAndColumnsZeroed() {
        SplittableRandom rnd = new SplittableRandom(3);
        int seed = 1;
        for (int[] s : SHAPES) {
            int rows = s[0], out = s[1], in = s[2];
            double[][] fractions = {{0.6, 0.5}, {1.0, 0.5}, {0.5, 1.0}, {1.0, 1.0}};
            for (double[] f : fractions) {
                int[] kr = keep(rnd, out, f[0]);
                int[] kc = keep(rnd, in, f[1]);
                float[] w = FormsTestData.random(seed++, out * in, 1);
                float[] x = FormsTestData.random(seed++, rows * in, 2);
                ShrunkWeights form = ShrunkWeights.of(w, out, in, kr, kc);
                float[] zeroed = zeroPruned(w, out, in, kr, kc);
                assertArrayEquals(zeroed, form.toDense(), 0f);
                float[] y = FormsTestData.run(form, x, rows);
                float[] dense = FormsTestData.run(new DenseWeights(out, in, zeroed), x, rows);
                assertArrayEquals(dense, y, 1e-5f, "shrunk " + kr.length + "×" + kc.length + " of " + out + "×" + in
                        + ", rows " + rows);
                assertEquals((long) kr.length * kc.length, form.macsPerRow());
            }
        }
    }

    @Test
    void composesWithInt8() {
        int seed = 100;
        SplittableRandom rnd = new SplittableRandom(4);
        for (QuantKernels k : FormsTestData.quantKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                int[] kr = keep(rnd, out, 0.7);
                int[] kc = keep(rnd, in, 0.7);
                if (kr.length == 0 || kc.length == 0) {
                    continue;
                }
                float[] smallDense = FormsTestData.random(seed++, kr.length * kc.length, 1);
                Int8Weights small = Int8Weights.weightOnly(Int8Matrix.quantize(smallDense, 0, kr.length, kc.length), k);
                ShrunkWeights form = ShrunkWeights.of(out, in, kr, kc, small);
                float[] w = form.toDense();
                float[] x = FormsTestData.random(seed++, rows * in, 2);
                FormsTestData.assertClose(FormsTestData.reference(w, out, in, x, 0, rows),
                        FormsTestData.magnitude(w, out, in, x, 0, rows), FormsTestData.run(form, x, rows),
                        k.name() + " int8 shrunk " + rows + "×" + out + "×" + in);
                assertSame(small, form.small());
                assertTrue(form.kernel().startsWith("int8 weight-only"), form.kernel());
            }
        }
    }

    @Test
    void countsTheSmallProductOnly() {
        int out = 20, in = 30, rows = 3;
        int[] kr = IntStream.range(0, out).filter(i -> i % 3 != 0).toArray();
        int[] kc = IntStream.range(0, in).filter(i -> i % 2 == 0).toArray();
        ShrunkWeights form = ShrunkWeights.of(FormsTestData.random(1, out * in, 1), out, in, kr, kc);
        try (dev.joule.tensor.OpCounter.Region r = dev.joule.tensor.OpCounter.open()) {
            form.multiply(new float[rows * in], 0, rows, new float[rows * out], 0);
            assertEquals((long) rows * kr.length * kc.length, r.macs());
        }
    }

    @Test
    void nothingKeptGivesZeros() {
        ShrunkWeights form = ShrunkWeights.of(new float[12], 3, 4, new int[0], new int[] {1, 2});
        assertArrayEquals(new float[6], FormsTestData.run(form, FormsTestData.random(1, 8, 1), 2), 0f);
        assertEquals(0, form.macsPerRow());
    }

    @Test
    void describesTheShape() {
        ShrunkWeights form = ShrunkWeights.of(new float[128 * 128], 128, 128,
                IntStream.range(0, 64).toArray(), IntStream.range(0, 128).toArray());
        assertTrue(form.kernel().startsWith("dense "), form.kernel());
        assertTrue(form.kernel().endsWith(" on 64×128 of 128×128"), form.kernel());
        assertEquals(4L * 64 * 128 + 4L * (64 + 128), form.storedBytes());
        assertArrayEquals(IntStream.range(0, 64).toArray(), form.keptRows());
    }

    @Test
    void rejectsBadIndicesAndMismatchedSmallForms() {
        float[] w = new float[12];
        assertThrows(IllegalArgumentException.class, () -> ShrunkWeights.of(w, 3, 4, new int[] {1, 1}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> ShrunkWeights.of(w, 3, 4, new int[] {2, 1}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> ShrunkWeights.of(w, 3, 4, new int[] {3}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> ShrunkWeights.of(w, 3, 4, new int[] {0}, new int[] {-1}));
        assertThrows(IllegalArgumentException.class,
                () -> ShrunkWeights.of(3, 4, new int[] {0, 1}, new int[] {0}, new DenseWeights(1, 1, new float[1])));
    }
}
