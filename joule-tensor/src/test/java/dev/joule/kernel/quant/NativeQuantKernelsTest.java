package dev.joule.kernel.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joule.kernel.Parallel;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native W8A8 kernel against the scalar reference, bit for bit (int32 sums and f32 outputs).
 * Skipped where the kernel is unavailable: no gcc at build time (no library in the jar), a CPU
 * without AVX-512 VNNI, or not linux-x86_64.
 */
class NativeQuantKernelsTest {
    private static QuantKernels nativeKernels;
    private static String unavailable;
    private static final QuantKernels REFERENCE = new ScalarQuantKernels();

    @BeforeAll
    static void load() {
        NativeQuantKernels.Availability a = NativeQuantKernels.create(new ScalarQuantKernels());
        nativeKernels = a.kernels();
        unavailable = a.reason();
    }

    private static QuantKernels kernels() {
        assumeTrue(nativeKernels != null, () -> "native int8 kernel unavailable: " + unavailable);
        return nativeKernels;
    }

    @Test
    void startUpSelfTestPasses() {
        assertEquals(Optional.empty(), NativeQuantSelfTest.run(kernels()));
    }

    @Test
    void exactAgainstScalarOverShapesWithTails() {
        QuantKernels k = kernels();
        SplittableRandom rnd = new SplittableRandom(42);
        int[] batches = {1, 2, 3, 4, 5, 6, 7, 8, 11, 13, 15, 17, 32};
        int[] outs = {1, 3, 4, 6, 16, 17, 33, 64, 100, 129};
        int[] ins = {1, 15, 63, 64, 65, 127, 128, 200, 1024 + 77};
        for (int batch : batches) {
            for (int out : outs) {
                for (int in : ins) {
                    assertSame(k, rnd, batch, out, in, false);
                }
            }
        }
    }

    @Test
    void exactAtTheLargestSums() {
        QuantKernels k = kernels();
        SplittableRandom rnd = new SplittableRandom(7);
        assertSame(k, rnd, 3, 5, 2 * 1024 + 77, true);
        assertSame(k, rnd, 1, 4, 20_000, true);
    }

    @Test
    void splitAcrossThreadsGivesTheSameOutputs() {
        QuantKernels k = kernels();
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            SplittableRandom rnd = new SplittableRandom(3);
            assertSame(k, rnd, 32, 258, 1024, false);
            assertSame(k, rnd, 1, 4096 + 3, 512, false);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void dynamicW8A8InOneCallEqualsQuantizeThenMultiply() {
        QuantKernels k = kernels();
        SplittableRandom rnd = new SplittableRandom(17);
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                for (int rows = 1; rows <= 17; rows++) {
                    for (int[] shape : new int[][] {{37, 300}, {384, 384}, {5, 1027}}) {
                        int out = shape[0], in = shape[1];
                        float[] xf = new float[3 + rows * in];
                        float[] wf = new float[out * in];
                        for (int i = 0; i < xf.length; i++) {
                            xf[i] = (float) (rnd.nextGaussian() * 2);
                        }
                        for (int i = 0; i < wf.length; i++) {
                            wf[i] = (float) rnd.nextGaussian();
                        }
                        Int8Matrix w = Int8Matrix.quantize(wf, 0, out, in);
                        float[] want = new float[7 + rows * out];
                        float[] got = new float[7 + rows * out];
                        REFERENCE.gemmW8A8(new Int8Activations(rows, in).quantize(xf, 3), w, want, 7);
                        k.gemmW8A8Dynamic(xf, 3, new Int8Activations(rows, in), w, got, 7);
                        assertArrayEquals(want, got, 0f, rows + " rows, " + out + "x" + in + ", " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void dynamicW8A8WithANonFiniteInputNamesIt() {
        QuantKernels k = kernels();
        float[] x = {1f, Float.NaN, 2f, 3f};
        Int8Matrix w = Int8Matrix.quantize(new float[] {1f, 2f, 3f, 4f}, 0, 1, 4);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> k.gemmW8A8Dynamic(x, 0, new Int8Activations(1, 4), w, new float[1], 0));
    }

    @Test
    void quantizedFloatsAndOffsetsMatchTheReference() {
        QuantKernels k = kernels();
        SplittableRandom rnd = new SplittableRandom(9);
        int batch = 6, out = 37, in = 300;
        float[] xf = new float[5 + batch * in];
        float[] wf = new float[out * in];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) rnd.nextGaussian();
        }
        Int8Matrix w = Int8Matrix.quantize(wf, 0, out, in);
        Int8Activations x = k.quantizeActivations(xf, 5, new Int8Activations(batch, in));
        float[] want = new float[11 + batch * out];
        float[] got = new float[11 + batch * out];
        REFERENCE.gemmW8A8(x, w, want, 11);
        for (int repeat = 0; repeat < 3; repeat++) { // the cached native copy of w is reused
            Arrays.fill(got, 0f);
            k.gemmW8A8(x, w, got, 11);
            assertArrayEquals(want, got, 0f);
        }
    }

    @Test
    void activationQuantizerMatchesTheJavaRuleIncludingTies() {
        QuantKernels k = kernels();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int cols : new int[] {1, 15, 16, 17, 300, 1024 + 3}) {
            int rows = 5;
            float[] x = new float[2 + rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-3, 4)));
            }
            for (int i = 0; i < cols; i++) { // row 0: scale exactly 1, every other value a tie
                x[2 + i] = i == 0 ? -127f : (i % 255 - 127) + 0.5f;
            }
            Arrays.fill(x, 2 + cols, 2 + 2 * cols, 0f); // row 1: all zero
            Int8Activations want = new Int8Activations(rows, cols).quantize(x, 2);
            Int8Activations got = k.quantizeActivations(x, 2, new Int8Activations(rows, cols));
            assertArrayEquals(want.codes(), got.codes(), "codes, cols " + cols);
            assertArrayEquals(want.scales(), got.scales(), 0f, "scales, cols " + cols);
        }
    }

    @Test
    void activationQuantizerNamesNonFiniteValues() {
        QuantKernels k = kernels();
        float[] x = {1f, 2f, Float.NaN, 4f};
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> k.quantizeActivations(x, 0, new Int8Activations(1, 4)));
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
    }

    @Test
    void nameSaysNativeAndTheWeightOnlyKernels() {
        assertTrue(kernels().name().startsWith("quant native"), kernels().name());
    }

    private static void assertSame(QuantKernels k, SplittableRandom rnd, int batch, int out, int in, boolean extreme) {
        Int8Activations x = new Int8Activations(batch, in);
        byte[] codes = new byte[out * in];
        float[] scales = new float[out];
        for (int i = 0; i < x.codes().length; i++) {
            x.codes()[i] = (byte) (extreme ? 127 : rnd.nextInt(-127, 128));
        }
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (extreme ? (i % in == 0 ? 127 : -127) : rnd.nextInt(-127, 128));
        }
        for (int b = 0; b < batch; b++) {
            x.scales()[b] = (float) rnd.nextDouble(1e-3, 2);
        }
        for (int o = 0; o < out; o++) {
            scales[o] = (float) rnd.nextDouble(1e-3, 2);
        }
        Int8Matrix w = new Int8Matrix(out, in, codes, scales);
        String shape = batch + "x" + in + " by " + out + "x" + in;
        int[] wantAcc = new int[3 + batch * out];
        int[] gotAcc = new int[3 + batch * out];
        REFERENCE.accumulateW8A8(x, w, wantAcc, 3);
        k.accumulateW8A8(x, w, gotAcc, 3);
        assertArrayEquals(wantAcc, gotAcc, "int32 sums at " + shape);
        float[] wantY = new float[batch * out];
        float[] gotY = new float[batch * out];
        REFERENCE.gemmW8A8(x, w, wantY, 0);
        k.gemmW8A8(x, w, gotY, 0);
        for (int i = 0; i < wantY.length; i++) {
            if (Float.floatToRawIntBits(wantY[i]) != Float.floatToRawIntBits(gotY[i])) {
                throw new AssertionError("f32 output " + i + " at " + shape + ": " + wantY[i] + " vs " + gotY[i]);
            }
        }
    }
}
