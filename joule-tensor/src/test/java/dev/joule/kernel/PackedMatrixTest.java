package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pre-packed B against the scalar reference and against the per-call-packing gemm at every width:
 * both layouts of B, beta 0 and 1, single rows, shapes crossing panel, KC and parallel boundaries.
 */
class PackedMatrixTest {
    private static final ScalarKernels REFERENCE = new ScalarKernels();
    private static final int[][] SHAPES = {
        {1, 40, 33}, {2, 3, 4}, {6, 32, 256}, {7, 33, 257}, {13, 384, 384}, {20, 1536, 384}, {20, 384, 1536},
        {129, 65, 33}, {97, 40, 300}, {5, 70, 1}, {64, 100, 600},
    };

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Stream<VectorKernels> widths() {
        return KernelWidths.all().stream();
    }

    @ParameterizedTest
    @MethodSource("widths")
    void matchesReferenceAndPerCallGemm(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : SHAPES) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 1f}) {
                        check(kernels, rnd, s[0], s[1], s[2], transB, beta);
                    }
                }
            }
        }
    }

    private static void check(Kernels kernels, SplittableRandom rnd, int m, int n, int k, boolean transB, float beta) {
        int lda = k + 3;
        int ldb = (transB ? k : n) + 2;
        float[] a = random(rnd, 5 + m * lda);
        float[] b = random(rnd, 7 + (transB ? n : k) * ldb);
        float[] c0 = random(rnd, m * n);
        float[] expected = c0.clone();
        float[] perCall = c0.clone();
        float[] got = c0.clone();
        REFERENCE.gemm(false, transB, m, n, k, a, 5, lda, b, 7, ldb, beta, expected, 0, n);
        kernels.gemm(false, transB, m, n, k, a, 5, lda, b, 7, ldb, beta, perCall, 0, n);
        PackedMatrix p = PackedMatrix.pack(kernels, transB, b, 7, ldb, k, n);
        p.multiply(m, a, 5, lda, beta, got, 0, n);
        String what = m + "x" + n + "x" + k + (transB ? " transB" : "") + " beta " + beta;
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-4f * (1 + Math.abs(expected[i])) * Math.sqrt(k), what + " at " + i);
        }
        if ((long) m * n * k > 512) {
            assertArrayEquals(perCall, got, what + ": pre-packed must equal the per-call packing gemm bit for bit");
        }
    }

    /**
     * The epilogue sees blocks that tile C exactly once, each with its true column index, and the
     * result equals the product finished afterwards over the whole of C: tall and wide products,
     * one row, one and two threads.
     */
    @ParameterizedTest
    @MethodSource("widths")
    void epilogueFinishesEveryBlockOnceWithItsColumns(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{24, 1536, 384}, {24, 384, 1536}, {13, 384, 384}, {129, 65, 33}, {1, 300, 40}, {3, 7, 5}};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                float[] a = random(rnd, m * k);
                float[] b = random(rnd, k * n);
                float[] bias = random(rnd, n);
                PackedMatrix p = PackedMatrix.pack(kernels, false, b, 0, n, k, n);
                float[] expected = new float[m * n];
                p.multiply(m, a, 0, k, 0f, expected, 0, n);
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < n; j++) {
                        expected[r * n + j] = Math.max(0f, expected[r * n + j] + bias[j]);
                    }
                }
                int[] visits = new int[m * n];
                float[] got = new float[m * n];
                p.multiply(m, a, 0, k, 0f, got, 0, n, (c, cOff, ldc, rows, col0, cols) -> {
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) {
                            int at = cOff + r * ldc + j;
                            visits[at]++;
                            assertEquals(col0 + j, at % n, "block column index");
                            c[at] = Math.max(0f, c[at] + bias[col0 + j]);
                        }
                    }
                });
                String what = m + "x" + n + "x" + k + " at " + threads + " threads";
                for (int i = 0; i < visits.length; i++) {
                    assertEquals(1, visits[i], what + ": element " + i + " finished once");
                }
                assertArrayEquals(expected, got, what);
            }
        }
    }

    @Test
    void scalarKernelsRunTheSourceMatrix() {
        float[] b = {1, 2, 3, 4, 5, 6};   // [2, 3]: op(B) = B, k 2, n 3
        PackedMatrix p = PackedMatrix.pack(REFERENCE, false, b, 0, 3, 2, 3);
        float[] c = new float[3];
        p.multiply(1, new float[] {1, 1}, 0, 2, 0f, c, 0, 3);
        assertArrayEquals(new float[] {5, 7, 9}, c);
        assertEquals(0, p.packedFloats());
    }

    @Test
    void refusesAnArrayTooShortForTheShape() {
        assertThrows(IllegalArgumentException.class, () -> PackedMatrix.pack(false, new float[5], 0, 3, 2, 3));
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
