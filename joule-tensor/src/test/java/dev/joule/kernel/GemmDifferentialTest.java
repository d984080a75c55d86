package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector width's gemm against the scalar reference: odd sizes, offsets, leading dimensions
 * wider than the matrix, all transpose combinations, beta 0 (C full of NaN) and beta != 0, and the
 * tiny, matrix-vector, blocked and parallel paths.
 */
class GemmDifferentialTest {
    private static final ScalarKernels REFERENCE = new ScalarKernels();
    private static final float SENTINEL = -12345f;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Stream<VectorKernels> widths() {
        return KernelWidths.all().stream();
    }

    /** Random odd shapes up to 70, plus shapes that cross every block boundary and path. */
    private static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 40; i++) {
            shapes.add(new int[] {1 + rnd.nextInt(70), 1 + rnd.nextInt(70), 1 + rnd.nextInt(70)});
        }
        int[][] fixed = {
            {1, 1, 1}, {1, 37, 50}, {45, 1, 50}, {1, 300, 129}, {257, 1, 33}, {1, 1, 700},
            {6, 32, 256}, {7, 33, 257}, {129, 65, 33}, {28, 28, 16}, {97, 40, 300},
            {13, 1100, 20}, {200, 64, 64}, {2, 3, 4}, {5, 70, 1}, {1, 200, 33}, {1, 100, 20}, {1, 9, 70},
        };
        shapes.addAll(List.of(fixed));
        return shapes;
    }

    @ParameterizedTest
    @MethodSource("widths")
    void gemmMatchesScalarForAllShapesTransposesAndBetas(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int[] s : shapes()) {
            for (int t = 0; t < 4; t++) {
                for (float beta : new float[] {0f, 1f, -0.5f}) {
                    checkOne(kernels, rnd, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, beta);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void largeGemmMatchesScalarAndIsThreadCountInvariant(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(3);
        int[][] shapes = {{257, 129, 300, 0}, {70, 513, 65, 0}, {7, 1100, 2000, 0},
            {1, 3001, 300, 0}, {1, 2001, 300, 1}, {2001, 1, 300, 0}, {2003, 1, 300, 1}};
        for (int[] s : shapes) {
            Parallel.setThreads(2);
            Problem p = Problem.random(rnd, s[0], s[1], s[2], true, s[3] == 1, 0.5f);
            float[] two = p.run(kernels);
            Parallel.setThreads(1);
            float[] one = p.run(kernels);
            assertArrayEquals(one, two, "gemm result must not depend on the thread count");
            p.assertClose(kernels.name(), two, p.run(REFERENCE));
        }
    }

    @Test
    void selectedKernelsHonourBetaZeroWithNaNInC() {
        Kernels k = Kernels.get();
        float[] a = {1, 2, 3, 4};
        float[] b = {1, 0, 0, 1};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        k.gemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
    }

    @ParameterizedTest
    @MethodSource("widths")
    void batchedGemmEqualsOneGemmPerEntry(VectorKernels kernels) {
        Parallel.setThreads(2);
        SplittableRandom rnd = new SplittableRandom(5);
        int batch = 200, m = 28, n = 28, k = 16;
        float[] a = randomArray(rnd, batch * m * k);
        float[] b = randomArray(rnd, batch * n * k);
        float[] batched = new float[batch * m * n];
        float[] single = new float[batch * m * n];
        kernels.gemmBatched(batch, false, true, m, n, k, a, 0, m * k, k, b, 0, n * k, k,
                0f, batched, 0, m * n, n);
        for (int t = 0; t < batch; t++) {
            kernels.gemm(false, true, m, n, k, a, t * m * k, k, b, t * n * k, k, 0f, single, t * m * n, n);
        }
        assertArrayEquals(single, batched);
    }

    private static void checkOne(Kernels kernels, SplittableRandom rnd, int m, int n, int k,
                                 boolean transA, boolean transB, float beta) {
        Problem p = Problem.random(rnd, m, n, k, transA, transB, beta);
        p.assertClose(kernels.name(), p.run(kernels), p.run(REFERENCE));
    }

    static float[] randomArray(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** One gemm call's arguments, with random offsets and padded leading dimensions. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c0, int cOff, int ldc) {

        static Problem random(SplittableRandom rnd, int m, int n, int k, boolean transA, boolean transB, float beta) {
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + rnd.nextInt(4), ldb = bCols + rnd.nextInt(4), ldc = n + rnd.nextInt(4);
            int aOff = rnd.nextInt(5), bOff = rnd.nextInt(5), cOff = rnd.nextInt(5);
            float[] a = randomArray(rnd, aOff + aRows * lda + 3);
            float[] b = randomArray(rnd, bOff + bRows * ldb + 3);
            float[] c = new float[cOff + m * ldc + 3];
            java.util.Arrays.fill(c, SENTINEL);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * ldc + j] = beta == 0f ? Float.NaN : (float) (rnd.nextDouble() * 2 - 1);
                }
            }
            return new Problem(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        float[] run(Kernels kernels) {
            float[] c = c0.clone();
            kernels.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        /** {@code |op(A)| · |op(B)|}, the scale of each element's rounding error. */
        float[] magnitudes() {
            float[] absA = a.clone();
            float[] absB = b.clone();
            for (int i = 0; i < absA.length; i++) {
                absA[i] = Math.abs(absA[i]);
            }
            for (int i = 0; i < absB.length; i++) {
                absB[i] = Math.abs(absB[i]);
            }
            float[] mag = new float[c0.length];
            ScalarKernels.gemmLoops(transA, transB, m, n, k, absA, aOff, lda, absB, bOff, ldb, 0f, mag, cOff, ldc);
            return mag;
        }

        void assertClose(String name, float[] actual, float[] expected) {
            String what = name + " gemm m=" + m + " n=" + n + " k=" + k + " transA=" + transA
                    + " transB=" + transB + " beta=" + beta;
            float[] mag = magnitudes();
            for (int idx = 0; idx < c0.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside) {
                    assertEquals(c0[idx], actual[idx], what + ": wrote outside C at index " + idx);
                    continue;
                }
                int i = rel / ldc, j = rel % ldc;
                double magnitude = mag[idx] + (beta == 0f ? 0 : Math.abs(beta * c0[idx]));
                double tolerance = 1.2e-7 * (k + 4) * magnitude + 1e-30;
                if (!(Math.abs(actual[idx] - expected[idx]) <= tolerance)) {
                    fail(what + ": C[" + i + "," + j + "] = " + actual[idx] + ", reference " + expected[idx]
                            + " (tolerance " + tolerance + ")");
                }
            }
        }
    }
}
