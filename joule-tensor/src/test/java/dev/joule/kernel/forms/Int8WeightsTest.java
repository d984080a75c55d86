package dev.joule.kernel.forms;

import static dev.joule.kernel.forms.FormsTestData.SHAPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.GemmEpilogue;
import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.quant.QuantKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The three int8 schemes against the quantized kernels they wrap and against the dense product. */
class Int8WeightsTest {

    @Test
    void w8a8EqualsTheQuantizedKernelBitForBit() {
        int seed = 1;
        for (QuantKernels k : FormsTestData.quantKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                Int8Matrix w = Int8Matrix.quantize(FormsTestData.random(seed++, out * in, 1), 0, out, in);
                float[] x = FormsTestData.random(seed++, rows * in, 3);
                float[] expected = new float[rows * out];
                k.gemmW8A8(k.quantizeActivations(x, 0, new Int8Activations(rows, in)), w, expected, 0);
                float[] actual = FormsTestData.run(Int8Weights.w8a8(w, k), x, rows);
                assertArrayEquals(expected, actual, 0f, k.name() + " w8a8 at " + rows + "×" + out + "×" + in);
            }
        }
    }

    /**
     * With an epilogue, W8A8 gives the plain product finished afterwards, bit for bit, and finishes every
     * output once: every kernel, one and two threads, including 24 × 1536 × 384 (split across threads).
     */
    @Test
    void w8a8EpilogueFinishesEachOutputOnceAsIfRunAfter() {
        int seed = 300;
        try {
            for (int threads : new int[] {1, 2}) {
                dev.joule.kernel.Parallel.setThreads(threads);
                List<QuantKernels> all = new ArrayList<>(FormsTestData.quantKernels());
                all.add(QuantKernels.get()); // the active ones: native where the machine has them, which split the outputs
                for (QuantKernels k : all) {
                    for (int[] s : new int[][] {{24, 1536, 384}, {3, 20, 64}, {1, 7, 5}}) {
                        int rows = s[0], out = s[1], in = s[2];
                        Int8Weights form = Int8Weights.w8a8(Int8Matrix.quantize(FormsTestData.random(seed++, out * in, 1), 0, out, in), k);
                        float[] x = FormsTestData.random(seed++, rows * in, 3);
                        float[] bias = FormsTestData.random(seed++, out, 1);
                        float[] expected = FormsTestData.run(form, x, rows);
                        for (int i = 0; i < expected.length; i++) {
                            expected[i] = Math.abs(expected[i] + bias[i % out]);
                        }
                        int[] visits = new int[rows * out];
                        float[] actual = new float[rows * out];
                        form.multiply(x, 0, rows, actual, 0, (c, cOff, ldc, r, col0, cols) -> {
                            for (int i = 0; i < r; i++) {
                                for (int j = 0; j < cols; j++) {
                                    int at = cOff + i * ldc + j;
                                    visits[at]++;
                                    c[at] = Math.abs(c[at] + bias[col0 + j]);
                                }
                            }
                        });
                        String what = k.name() + " at " + rows + "×" + out + "×" + in + ", " + threads + " threads";
                        assertArrayEquals(expected, actual, 0f, what);
                        for (int v : visits) {
                            assertEquals(1, v, what + ": every output finished once");
                        }
                        // The bias as a GemmEpilogue.Bias (which the native kernel adds itself), read from offset 1.
                        float[] shifted = new float[out + 1];
                        System.arraycopy(bias, 0, shifted, 1, out);
                        java.util.Arrays.fill(visits, 0);
                        float[] viaBias = new float[rows * out];
                        form.multiply(x, 0, rows, viaBias, 0, GemmEpilogue.bias(shifted, 1, (c, cOff, ldc, r, col0, cols) -> {
                            for (int i = 0; i < r; i++) {
                                for (int j = 0; j < cols; j++) {
                                    int at = cOff + i * ldc + j;
                                    visits[at]++;
                                    c[at] = Math.abs(c[at]);
                                }
                            }
                        }));
                        assertArrayEquals(expected, viaBias, 0f, what + ", bias epilogue");
                        for (int v : visits) {
                            assertEquals(1, v, what + ": every output finished once after the bias");
                        }
                    }
                }
            }
        } finally {
            dev.joule.kernel.Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void w8a8IsTheDenseProductUpToActivationRounding() {
        int seed = 100;
        for (QuantKernels k : FormsTestData.quantKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                Int8Weights form = Int8Weights.w8a8(Int8Matrix.quantize(FormsTestData.random(seed++, out * in, 1), 0, out, in), k);
                float[] w = form.toDense();
                float[] x = FormsTestData.random(seed++, rows * in, 2);
                float[] y = FormsTestData.run(form, x, rows);
                float[] dense = FormsTestData.run(new DenseWeights(out, in, w), x, rows);
                for (int b = 0; b < rows; b++) {
                    float amax = 0;
                    for (int i = 0; i < in; i++) {
                        amax = Math.max(amax, Math.abs(x[b * in + i]));
                    }
                    for (int o = 0; o < out; o++) {
                        double bound = 1e-5;
                        for (int i = 0; i < in; i++) {
                            bound += Math.abs(w[o * in + i]) * (amax / 127) * 0.5001;
                        }
                        assertEquals(dense[b * out + o], y[b * out + o], bound, k.name() + " row " + b + " out " + o);
                    }
                }
            }
        }
    }

    @Test
    void staticScaleQuantizesEveryRowWithTheOneScaleAndClips() {
        int in = 37, out = 11, rows = 3;
        float scale = 0.01f; // ±1.27 is the largest value represented; the inputs reach ±3
        float[] wDense = FormsTestData.random(7, out * in, 1);
        Int8Matrix w = Int8Matrix.quantize(wDense, 0, out, in);
        float[] x = FormsTestData.random(8, rows * in, 3);
        for (QuantKernels k : FormsTestData.quantKernels()) {
            float[] y = FormsTestData.run(Int8Weights.w8a8Static(w, scale, k), x, rows);
            byte[] qw = w.codes();
            for (int b = 0; b < rows; b++) {
                for (int o = 0; o < out; o++) {
                    int acc = 0;
                    for (int i = 0; i < in; i++) {
                        double q = Math.max(-127, Math.min(127, Math.rint(x[b * in + i] / scale)));
                        acc += (int) q * qw[o * in + i];
                    }
                    float expected = (float) acc * (scale * w.scales()[o]);
                    assertEquals(expected, y[b * out + o], 0f, k.name() + " static row " + b + " out " + o);
                }
            }
        }
    }

    @Test
    void staticScaleWithinRangeIsTheDenseProductUpToRounding() {
        int seed = 200;
        for (QuantKernels k : FormsTestData.quantKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                float[] x = FormsTestData.random(seed++, rows * in, 2);
                float scale = 2f / 127; // covers every input: no clipping
                Int8Weights form = Int8Weights.w8a8Static(
                        Int8Matrix.quantize(FormsTestData.random(seed++, out * in, 1), 0, out, in), scale, k);
                float[] w = form.toDense();
                float[] y = FormsTestData.run(form, x, rows);
                double[] ref = FormsTestData.reference(w, out, in, x, 0, rows);
                for (int b = 0; b < rows; b++) {
                    for (int o = 0; o < out; o++) {
                        double bound = 1e-5;
                        for (int i = 0; i < in; i++) {
                            bound += Math.abs(w[o * in + i]) * scale * 0.5001;
                        }
                        assertEquals(ref[b * out + o], y[b * out + o], bound, k.name() + " row " + b + " out " + o);
                    }
                }
                assertEquals(Int8Weights.Scheme.W8A8_STATIC, form.scheme());
                assertEquals(scale, form.activationScale());
            }
        }
    }

    @Test
    void weightOnlyIsTheDenseProductOnTheDequantizedMatrix() {
        int seed = 300;
        for (QuantKernels k : FormsTestData.quantKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                Int8Weights form = Int8Weights.weightOnly(
                        Int8Matrix.quantize(FormsTestData.random(seed++, out * in, 1), 0, out, in), k);
                float[] w = form.toDense();
                float[] x = FormsTestData.random(seed++, rows * in, 2);
                FormsTestData.assertClose(FormsTestData.reference(w, out, in, x, 0, rows),
                        FormsTestData.magnitude(w, out, in, x, 0, rows), FormsTestData.run(form, x, rows),
                        k.name() + " weight-only " + rows + "×" + out + "×" + in);
                float[] dense = FormsTestData.run(new DenseWeights(out, in, w), x, rows);
                FormsTestData.assertClose(toDouble(dense), FormsTestData.magnitude(w, out, in, x, 0, rows),
                        FormsTestData.run(form, x, rows), k.name() + " weight-only vs DenseWeights");
            }
        }
    }

    @Test
    void describesItself() {
        Int8Matrix w = Int8Matrix.quantize(FormsTestData.random(1, 6 * 10, 1), 0, 6, 10);
        Int8Weights form = Int8Weights.w8a8(w);
        assertEquals(6, form.outFeatures());
        assertEquals(10, form.inFeatures());
        assertEquals(60, form.macsPerRow());
        assertEquals(60 + 4 * 6, form.storedBytes());
        assertEquals("int8 per-channel", form.format());
        assertTrue(form.kernel().startsWith("w8a8 dynamic"), form.kernel());
        assertTrue(Int8Weights.weightOnly(w).kernel().startsWith("int8 weight-only"));
        assertArrayEquals(w.dequantize(), form.toDense(), 0f);
        assertTrue(Float.isNaN(form.activationScale()));
        assertThrows(IllegalArgumentException.class, () -> Int8Weights.w8a8Static(w, 0f));
        assertThrows(IllegalArgumentException.class, () -> Int8Weights.w8a8Static(w, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> form.multiply(new float[9], 0, 1, new float[6], 0));
    }

    /** Each thread keeps its own activation buffer: concurrent calls at different row counts stay exact. */
    @Test
    void concurrentCallsAtDifferentRowCountsAgree() throws Exception {
        int out = 19, in = 45;
        Int8Weights form = Int8Weights.w8a8(Int8Matrix.quantize(FormsTestData.random(5, out * in, 1), 0, out, in));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int rows = 1 + t % 4;
                float[] x = FormsTestData.random(50 + t, rows * in, 1);
                float[] expected = FormsTestData.run(form, x, rows);
                results.add(pool.submit(() -> {
                    for (int rep = 0; rep < 200; rep++) {
                        if (!java.util.Arrays.equals(expected, FormsTestData.run(form, x, rows))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(), "a concurrent call gave a different result");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
