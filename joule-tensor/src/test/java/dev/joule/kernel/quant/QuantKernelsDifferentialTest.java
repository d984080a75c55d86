package dev.joule.kernel.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector width against the scalar reference (exact for the integer paths, relative tolerance
 * for the f32 weight-only paths), and the reference against a plain double computation.
 */
class QuantKernelsDifferentialTest {
    private static final ScalarQuantKernels REFERENCE = new ScalarQuantKernels();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Stream<VectorQuantKernels> widths() {
        List<VectorQuantKernels> out = new ArrayList<>();
        for (int bits = 256; bits <= Math.min(512, IntVector.SPECIES_PREFERRED.vectorBitSize()); bits *= 2) {
            out.add(VectorQuantKernels.forBits(bits));
        }
        return out.stream();
    }

    /** {batch, out, in}: random odd shapes (tails of every lane count), plus exact multiples and blocks. */
    private static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 30; i++) {
            shapes.add(new int[] {1 + rnd.nextInt(5), 1 + rnd.nextInt(13), 1 + rnd.nextInt(150)});
        }
        shapes.add(new int[] {1, 8, 64});
        shapes.add(new int[] {3, 16, 256});
        shapes.add(new int[] {2, 5, 33});
        shapes.add(new int[] {1, 7, 31});
        // Batches of 4 and more take the 4 × 4 tile (int8 weights); 8 and more the decoded panels (int4).
        shapes.add(new int[] {4, 9, 70});
        shapes.add(new int[] {6, 13, 17});
        shapes.add(new int[] {7, 6, 200});
        shapes.add(new int[] {8, 70, 45});
        shapes.add(new int[] {9, 130, 64});
        shapes.add(new int[] {12, 3, 33});
        return shapes;
    }

    @ParameterizedTest
    @MethodSource("widths")
    void w8a8SumsAndOutputsEqualTheReferenceBitForBit(VectorQuantKernels vector) {
        int seed = 0;
        for (int[] s : shapes()) {
            int batch = s[0], out = s[1], in = s[2];
            Int8Activations x = Int8Activations.of(QuantizationRoundTripTest.random(seed++, batch * in, 4), 0, batch, in);
            Int8Matrix w = Int8Matrix.quantize(QuantizationRoundTripTest.random(seed++, out * in, 1), 0, out, in);
            int[] expected = new int[batch * out + 2];
            int[] actual = new int[batch * out + 2];
            REFERENCE.accumulateW8A8(x, w, expected, 2);
            vector.accumulateW8A8(x, w, actual, 2);
            assertArrayEquals(expected, actual, vector.name() + " int32 sums, shape " + batch + "×" + out + "×" + in);
            float[] ye = new float[batch * out + 1];
            float[] ya = new float[batch * out + 1];
            REFERENCE.gemmW8A8(x, w, ye, 1);
            vector.gemmW8A8(x, w, ya, 1);
            assertArrayEquals(ye, ya, 0f, vector.name() + " f32 outputs, shape " + batch + "×" + out + "×" + in);
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void extremeCodesDoNotOverflow(VectorQuantKernels vector) {
        int in = 4099; // |sum| = 127² · 4099 ≈ 6.6e7: fits int32, not int16 or an exact float
        byte[] ones = new byte[in];
        java.util.Arrays.fill(ones, (byte) -127);
        Int8Matrix w = new Int8Matrix(1, in, ones, new float[] {1f});
        Int8Activations x = new Int8Activations(1, in);
        java.util.Arrays.fill(x.codes(), (byte) -127);
        int[] acc = new int[1];
        vector.accumulateW8A8(x, w, acc, 0);
        assertEquals(127 * 127 * in, acc[0]);
    }

    @ParameterizedTest
    @MethodSource("widths")
    void batchedW8A8OnTheFloatUnitsStaysExactAcrossReductionChunks(VectorQuantKernels vector) {
        int batch = VectorQuantKernels.TILE_MIN_BATCH + 3, out = 5, in = 2 * ExactFloatW8A8.K_CHUNK + 77;
        Int8Activations x = new Int8Activations(batch, in);
        Int8Matrix w = Int8Matrix.quantize(QuantizationRoundTripTest.random(21, out * in, 1), 0, out, in);
        java.util.Arrays.fill(x.codes(), (byte) 127); // row sums far above 2^24 for the extreme rows
        java.util.Arrays.fill(w.codes(), 0, in, (byte) 127);
        java.util.Arrays.fill(w.codes(), in, 2 * in, (byte) -127);
        SplittableRandom rnd = new SplittableRandom(22);
        for (int i = in; i < x.codes().length; i++) {
            x.codes()[i] = (byte) (rnd.nextInt(255) - 127); // rows 1.. random
        }
        int[] expected = new int[batch * out];
        int[] actual = new int[batch * out];
        REFERENCE.accumulateW8A8(x, w, expected, 0);
        vector.accumulateW8A8(x, w, actual, 0);
        assertEquals(127 * 127 * in, expected[0]);
        assertArrayEquals(expected, actual, vector.name());
    }

    @ParameterizedTest
    @MethodSource("widths")
    void exactF32PathForSmallBatchesEqualsTheInt32Reference(VectorQuantKernels vector) {
        // The -Djoule.quant.w8a8=f32 path, called directly (the property is read once per JVM).
        int seed = 300;
        for (int[] s : shapes()) {
            int batch = Math.min(3, s[0]), out = s[1], in = s[2] + (seed % 3 == 0 ? ExactFloatW8A8.K_CHUNK : 0);
            Int8Activations x = Int8Activations.of(QuantizationRoundTripTest.random(seed++, batch * in, 4), 0, batch, in);
            Int8Matrix w = Int8Matrix.quantize(QuantizationRoundTripTest.random(seed++, out * in, 1), 0, out, in);
            float[] xf = new float[batch * in];
            vector.decodeInt8(x.codes(), null, in, 0, batch, xf);
            int[] expected = new int[batch * out];
            int[] actual = new int[batch * out];
            REFERENCE.accumulateW8A8(x, w, expected, 0);
            ExactFloatW8A8.rows(vector, xf, x, w, 0, out, actual, 0, null, 0);
            assertArrayEquals(expected, actual, vector.name() + " shape " + batch + "×" + out + "×" + in);
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void vectorActivationQuantizationEqualsTheScalarRuleBitForBit(VectorQuantKernels vector) {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int t = 0; t < 40; t++) {
            int rows = 1 + rnd.nextInt(3), cols = 1 + rnd.nextInt(200);
            float[] x = QuantizationRoundTripTest.random(400 + t, 2 + rows * cols, 1 + rnd.nextInt(100));
            if (t % 3 == 0) { // exact ties: amax 127 gives scale 1, values k + 0.5
                for (int i = 0; i < x.length; i++) {
                    x[i] = (rnd.nextInt(254) - 127) + 0.5f;
                }
                x[2] = 127f;
            }
            if (t % 7 == 0) {
                java.util.Arrays.fill(x, 0f);
            }
            Int8Activations expected = Int8Activations.of(x, 2, rows, cols);
            Int8Activations actual = vector.quantizeActivations(x, 2, new Int8Activations(rows, cols));
            assertArrayEquals(expected.codes(), actual.codes(), vector.name() + " codes, try " + t);
            assertArrayEquals(expected.scales(), actual.scales(), 0f, vector.name() + " scales, try " + t);
        }
        float[] bad = new float[40];
        bad[33] = Float.NaN;
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> vector.quantizeActivations(bad, 0, new Int8Activations(1, 40)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("widths")
    void weightOnlyPathsMatchTheReferenceWithinFloatRounding(VectorQuantKernels vector) {
        int seed = 100;
        for (int[] s : shapes()) {
            int batch = s[0], out = s[1], in = s[2];
            float[] x = QuantizationRoundTripTest.random(seed++, 3 + batch * in, 2);
            if (seed % 4 == 1) {
                for (int i = 0; i < x.length; i++) {
                    x[i] += 1.5f; // a large mean: the int4 kernel's "Σ x·n − 8·Σ x" must not lose it
                }
            }
            float[] wf = QuantizationRoundTripTest.random(seed++, out * in, 1);
            Int8Matrix w8 = Int8Matrix.quantize(wf, 0, out, in);
            Int4Matrix w4 = Int4Matrix.quantize(wf, 0, out, in);
            float[] ye = new float[batch * out];
            float[] ya = new float[batch * out];
            REFERENCE.gemmInt8Weights(x, 3, batch, w8, ye, 0);
            vector.gemmInt8Weights(x, 3, batch, w8, ya, 0);
            assertClose(ye, ya, in, vector.name() + " int8 weights " + batch + "×" + out + "×" + in);
            REFERENCE.gemmInt4Weights(x, 3, batch, w4, ye, 0);
            vector.gemmInt4Weights(x, 3, batch, w4, ya, 0);
            assertClose(ye, ya, in, vector.name() + " int4 weights " + batch + "×" + out + "×" + in);
        }
    }

    /** Tolerance: a few float ulps of the sum of |terms| (≤ 2 · in here). */
    private static void assertClose(float[] expected, float[] actual, int in, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 * (1 + 2.0 * in);
            assertEquals(expected[i], actual[i], tol, what + " at " + i);
        }
    }

    @Test
    void scalarReferenceAgreesWithAPlainDoubleComputation() {
        int batch = 3, out = 7, in = 77;
        float[] xf = QuantizationRoundTripTest.random(5, batch * in, 2);
        float[] wf = QuantizationRoundTripTest.random(6, out * in, 1);
        Int8Matrix w8 = Int8Matrix.quantize(wf, 0, out, in);
        Int4Matrix w4 = Int4Matrix.quantize(wf, 0, out, in);
        Int8Activations x8 = Int8Activations.of(xf, 0, batch, in);
        float[] w8f = w8.dequantize(), w4f = w4.dequantize(), x8f = x8.dequantize();
        float[] y = new float[batch * out];
        REFERENCE.gemmW8A8(x8, w8, y, 0);
        assertMatchesDouble(x8f, w8f, y, batch, out, in, "W8A8");
        REFERENCE.gemmInt8Weights(xf, 0, batch, w8, y, 0);
        assertMatchesDouble(xf, w8f, y, batch, out, in, "int8 weights");
        REFERENCE.gemmInt4Weights(xf, 0, batch, w4, y, 0);
        assertMatchesDouble(xf, w4f, y, batch, out, in, "int4 weights");
        // And the quantized product is near the f32 one (loose: quantization error, not kernel error).
        REFERENCE.gemmW8A8(x8, w8, y, 0);
        assertMatchesDouble(xf, wf, y, batch, out, in, 0.05, "W8A8 vs unquantized");
    }

    private static void assertMatchesDouble(float[] x, float[] w, float[] y, int batch, int out, int in, String what) {
        assertMatchesDouble(x, w, y, batch, out, in, 1e-4, what);
    }

    private static void assertMatchesDouble(float[] x, float[] w, float[] y, int batch, int out, int in,
                                            double relTol, String what) {
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double sum = 0, magnitude = 0;
                for (int i = 0; i < in; i++) {
                    sum += (double) x[b * in + i] * w[o * in + i];
                    magnitude += Math.abs((double) x[b * in + i] * w[o * in + i]);
                }
                double err = Math.abs(sum - y[b * out + o]);
                assertTrue(err <= relTol * magnitude + 1e-6,
                        what + " (" + b + ", " + o + "): " + y[b * out + o] + " vs double " + sum);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void parallelResultsDoNotDependOnTheThreadCountAndWorkIsCounted(VectorQuantKernels vector) {
        int batch = 2, out = 301, in = 515; // large enough to split across threads
        Int8Activations x = Int8Activations.of(QuantizationRoundTripTest.random(1, batch * in, 1), 0, batch, in);
        float[] xf = QuantizationRoundTripTest.random(2, batch * in, 1);
        float[] wf = QuantizationRoundTripTest.random(3, out * in, 1);
        Int8Matrix w8 = Int8Matrix.quantize(wf, 0, out, in);
        Int4Matrix w4 = Int4Matrix.quantize(wf, 0, out, in);
        float[][] one = new float[3][batch * out];
        float[][] two = new float[3][batch * out];
        Parallel.setThreads(1);
        vector.gemmW8A8(x, w8, one[0], 0);
        vector.gemmInt8Weights(xf, 0, batch, w8, one[1], 0);
        vector.gemmInt4Weights(xf, 0, batch, w4, one[2], 0);
        Parallel.setThreads(2);
        try (OpCounter.Region r = OpCounter.open()) {
            vector.gemmW8A8(x, w8, two[0], 0);
            vector.gemmInt8Weights(xf, 0, batch, w8, two[1], 0);
            vector.gemmInt4Weights(xf, 0, batch, w4, two[2], 0);
            assertEquals(3L * batch * out * in, r.macs(), "MACs of the three calls");
        }
        int big = VectorQuantKernels.TILE_MIN_BATCH + 5;
        float[] xb = QuantizationRoundTripTest.random(4, big * in, 1);
        try (OpCounter.Region r = OpCounter.open()) {
            vector.gemmInt8Weights(xb, 0, big, w8, new float[big * out], 0);
            vector.gemmInt4Weights(xb, 0, big, w4, new float[big * out], 0);
            assertEquals(2L * big * out * in, r.macs(), "MACs of the batched weight-only calls");
        }
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(one[k], two[k], 0f, vector.name() + " path " + k);
        }
    }

    @Test
    void selectionFollowsTheF32Kernels() {
        QuantKernels chosen = QuantKernels.get();
        boolean vectorF32 = dev.joule.kernel.Kernels.get().name().startsWith("vector");
        assertEquals(vectorF32 && IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256,
                chosen.name().contains("quant vector"), chosen.name()); // native wraps it: "(weight-only: quant vector …)"
    }
}
