package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gemm at 1 to 30 rows (a batch-1 sentence), where the last row panel is partial and takes the
 * 4-, 2- and 1-row edge kernels: against the scalar reference, and bit for bit against the six-row
 * kernel (the same rows computed inside a call whose row count is a multiple of six), per call and
 * pre-packed, through both the packed-A and the read-A-in-place paths.
 */
class SmallRowsGemmTest {
    private static final ScalarKernels REFERENCE = new ScalarKernels();
    private static final float SENTINEL = -777f;
    /** Widths: few panels at every vector width (A read in place), many panels (A packed), a ragged edge. */
    private static final int[] WIDTHS = {8, 70, 300};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Stream<VectorKernels> widths() {
        return KernelWidths.all().stream();
    }

    @ParameterizedTest
    @MethodSource("widths")
    void fewRowsMatchReferenceAndSixRowKernelBitForBit(VectorKernels kernels) {
        Parallel.setThreads(1);
        SplittableRandom rnd = new SplittableRandom(30);
        int k = 300; // crosses the 256-deep k slice, so the ADD write-back runs too
        for (int n : WIDTHS) {
            float[] b = GemmDifferentialTest.randomArray(rnd, k * n);
            for (int m = 1; m <= 30; m++) {
                int padded = (m + 5) / 6 * 6;
                float[] a = GemmDifferentialTest.randomArray(rnd, padded * k);
                for (float beta : new float[] {0f, 1f, -0.5f}) {
                    float[] c0 = GemmDifferentialTest.randomArray(rnd, padded * n);
                    float[] got = gemm(kernels, m, n, k, a, b, beta, c0);
                    float[] six = gemm(kernels, padded, n, k, a, b, beta, c0);
                    String what = kernels.name() + " m=" + m + " n=" + n + " beta=" + beta;
                    if (m > 1) { // one row is a matrix-vector product, another kernel
                        assertArrayEquals(Arrays.copyOf(six, m * n), Arrays.copyOf(got, m * n),
                                what + ": the edge kernels must equal the six-row kernel bit for bit");
                    }
                    for (int i = m * n; i < got.length - 1; i++) {
                        assertEquals(SENTINEL, got[i], what + ": wrote below C at " + i);
                    }
                    float[] ref = gemm(REFERENCE, m, n, k, a, b, beta, c0);
                    assertClose(what, got, ref, m * n, k);
                    if (beta != -0.5f) {
                        PackedMatrix pm = PackedMatrix.pack(kernels, false, b, 0, n, k, n);
                        int rows = m;
                        float[] pre = run(m, n, beta, c0, (c) -> pm.multiply(rows, a, 0, k, beta, c, 0, n));
                        assertArrayEquals(Arrays.copyOf(got, m * n), Arrays.copyOf(pre, m * n),
                                what + ": pre-packed must equal the per-call gemm");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void fewRowsDoNotDependOnTheThreadCount(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(31);
        int k = 384, n = 1536;
        float[] b = GemmDifferentialTest.randomArray(rnd, k * n);
        PackedMatrix pm = PackedMatrix.pack(kernels, true, b, 0, k, k, n);
        for (int m : new int[] {1, 2, 5, 10, 13, 20, 25, 30}) {
            float[] a = GemmDifferentialTest.randomArray(rnd, m * k);
            float[] c0 = new float[m * n + 1];
            Parallel.setThreads(1);
            float[] one = run(m, n, 0f, c0, (c) -> pm.multiply(m, a, 0, k, 0f, c, 0, n));
            Parallel.setThreads(2);
            float[] two = run(m, n, 0f, c0, (c) -> pm.multiply(m, a, 0, k, 0f, c, 0, n));
            assertArrayEquals(one, two, kernels.name() + " m=" + m + ": thread count changed the result");
        }
    }

    private interface Call {
        void into(float[] c);
    }

    private static float[] run(int m, int n, float beta, float[] c0, Call call) {
        float[] c = c0.clone();
        Arrays.fill(c, m * n, c.length, SENTINEL);
        call.into(c);
        return c;
    }

    private static float[] gemm(Kernels kernels, int m, int n, int k, float[] a, float[] b, float beta, float[] c0) {
        return run(m, n, beta, c0, (c) -> kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, beta, c, 0, n));
    }

    private static void assertClose(String what, float[] actual, float[] expected, int count, int k) {
        for (int i = 0; i < count; i++) {
            double tolerance = 1.2e-7 * (k + 4) * 2 * k + 1e-30;
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                fail(what + ": C[" + i + "] = " + actual[i] + ", reference " + expected[i]);
            }
        }
    }
}
