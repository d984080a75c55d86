package dev.joule.kernel.forms;

import static dev.joule.kernel.forms.FormsTestData.SHAPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Activation skipping: with threshold 0 the dense product; with threshold t the dense product of
 * the input with every |x| <= t zeroed; MACs counted per active input. Scalar and vector row sums.
 */
class SkippingWeightsTest {

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** ReLU-like inputs: about half exact zeros, the rest of both signs and sizes. */
    private static float[] reluLike(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = FormsTestData.random(seed, n, 2);
        for (int i = 0; i < n; i++) {
            if (rnd.nextBoolean()) {
                x[i] = 0f;
            }
        }
        return x;
    }

    private static int active(float[] x, float threshold) {
        int n = 0;
        for (float v : x) {
            if (Math.abs(v) > threshold) {
                n++;
            }
        }
        return n;
    }

    @Test
    void thresholdZeroIsTheDenseProduct() {
        int seed = 1;
        for (ActiveRowSums sums : FormsTestData.activeRowSums()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                float[] w = FormsTestData.random(seed++, out * in, 1);
                float[] x = reluLike(seed++, rows * in);
                SkippingWeights form = SkippingWeights.of(w, out, in, 0f, sums);
                assertArrayEquals(w, form.toDense(), 0f);
                float[] y = FormsTestData.run(form, x, rows);
                String what = sums.name() + " skip 0 at " + rows + "×" + out + "×" + in;
                double[] mag = FormsTestData.magnitude(w, out, in, x, 0, rows);
                FormsTestData.assertClose(FormsTestData.reference(w, out, in, x, 0, rows), mag, y, what);
                float[] dense = FormsTestData.run(new DenseWeights(out, in, w), x, rows);
                FormsTestData.assertClose(Int8WeightsTest.toDouble(dense), mag, y, what + " vs DenseWeights");
                assertEquals((long) active(x, 0f) * out, form.lastMacs(), what + " MACs");
            }
        }
    }

    @Test
    void thresholdTIsTheDenseProductOfTheInputWithSmallValuesZeroed() {
        int seed = 100;
        float t = 0.5f;
        for (ActiveRowSums sums : FormsTestData.activeRowSums()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                float[] w = FormsTestData.random(seed++, out * in, 1);
                float[] x = FormsTestData.random(seed++, rows * in, 1);
                x[0] = t; // exactly at the threshold: skipped
                float[] zeroed = x.clone();
                for (int i = 0; i < zeroed.length; i++) {
                    if (Math.abs(zeroed[i]) <= t) {
                        zeroed[i] = 0f;
                    }
                }
                SkippingWeights form = SkippingWeights.of(w, out, in, t, sums);
                FormsTestData.assertClose(FormsTestData.reference(w, out, in, zeroed, 0, rows),
                        FormsTestData.magnitude(w, out, in, zeroed, 0, rows), FormsTestData.run(form, x, rows),
                        sums.name() + " skip " + t + " at " + rows + "×" + out + "×" + in);
            }
        }
    }

    @Test
    void countsEffectiveMacsInTheFormAndInOpCounter() {
        int out = 10, in = 20, rows = 3;
        SkippingWeights form = SkippingWeights.of(FormsTestData.random(1, out * in, 1), out, in, 0f);
        float[] x = reluLike(2, rows * in);
        long expected = (long) active(x, 0f) * out;
        try (OpCounter.Region r = OpCounter.open()) {
            form.multiply(x, 0, rows, new float[rows * out], 0);
            assertEquals(expected, r.macs());
        }
        form.multiply(x, 0, rows, new float[rows * out], 0);
        assertEquals(2 * expected, form.effectiveMacs());
        assertEquals(2 * rows, form.rowsMultiplied());
        assertEquals((double) expected / rows, form.effectiveMacsPerRow(), 1e-12);
        assertEquals((long) out * in, form.macsPerRow());
        form.resetCounts();
        assertEquals(0, form.effectiveMacs());
        assertEquals(0, form.effectiveMacsPerRow());
    }

    /** A batch big enough to split over the pool gives the same outputs and counts as one thread. */
    @Test
    void parallelBatchesMatchOneThread() {
        int out = 96, in = 130, rows = 64;
        float[] w = FormsTestData.random(3, out * in, 1);
        float[] x = reluLike(4, rows * in);
        Parallel.setThreads(1);
        SkippingWeights one = SkippingWeights.of(w, out, in, 0f);
        float[] expected = FormsTestData.run(one, x, rows);
        Parallel.setThreads(3);
        SkippingWeights many = SkippingWeights.of(w, out, in, 0f);
        try (OpCounter.Region r = OpCounter.open()) {
            assertArrayEquals(expected, FormsTestData.run(many, x, rows), 0f);
            assertEquals(one.effectiveMacs(), r.macs());
        }
        assertEquals(one.effectiveMacs(), many.effectiveMacs());
    }

    /** The public factory follows the dense kernels' choice, so -Djoule.kernels=scalar runs the scalar sums. */
    @Test
    void followsTheDenseKernelChoice() {
        String kernel = SkippingWeights.of(new float[4], 2, 2, 0f).kernel();
        boolean vector = dev.joule.kernel.Kernels.get().name().startsWith("vector");
        assertEquals(vector, kernel.contains("row axpy vector"), kernel);
        assertEquals(!vector, kernel.contains("row axpy scalar"), kernel);
    }

    @Test
    void nanInputsReachTheOutputsAndBadThresholdsAreRejected() {
        SkippingWeights form = SkippingWeights.of(new float[] {1, 2, 3, 4}, 2, 2, 0f);
        float[] y = FormsTestData.run(form, new float[] {Float.NaN, 0f}, 1);
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]));
        assertThrows(IllegalArgumentException.class, () -> SkippingWeights.of(new float[4], 2, 2, -1f));
        assertThrows(IllegalArgumentException.class, () -> SkippingWeights.of(new float[4], 2, 2, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> SkippingWeights.of(new float[3], 2, 2, 0f));
    }
}
