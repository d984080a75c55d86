package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The twelve-row kernels against two calls of the six-row kernel, bit for bit: packed A and A read in
 * place (row-major and transposed), every write-back mode, at every vector width (the gemm only
 * takes them at 512 bits, but they must be right at any width). The gemm-level tests
 * ({@link SmallRowsGemmTest}, {@link GemmDifferentialTest}) cover them against the scalar reference.
 */
class TallKernelTest {
    private static final float SENTINEL = -555f;

    @ParameterizedTest
    @MethodSource("dev.joule.kernel.KernelWidths#all")
    void packedTwelveRowsEqualTwoSixRowCalls(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(12);
        int nr = 2 * kernels.species().length();
        int mr = VectorMicroKernel.MR;
        for (int kc : new int[] {1, 7, 384}) {
            // Two six-row panels, the lower one some distance after the upper, as the gemm packs them.
            float[] pa = GemmDifferentialTest.randomArray(rnd, 3 * mr * kc);
            int upper = mr * kc / 2;
            int lower = upper + mr * kc;
            float[] pb = GemmDifferentialTest.randomArray(rnd, 5 + nr * kc);
            int bBase = 5;
            for (int mode : new int[] {VectorMicroKernel.STORE, VectorMicroKernel.ADD, VectorMicroKernel.SCALE_ADD}) {
                int ldc = nr + 3;
                float[] c0 = GemmDifferentialTest.randomArray(rnd, 2 + 12 * ldc);
                float beta = -0.75f;
                float[] six = c0.clone();
                kernels.microKernel(pa, upper, pb, bBase, kc, six, 2, ldc, mode, beta);
                kernels.microKernel(pa, lower, pb, bBase, kc, six, 2 + mr * ldc, ldc, mode, beta);
                float[] tall = twelveRows(kernels, c0, 2, ldc, mode, beta,
                        (out, oIdx, ldo) -> kernels.microKernel12(pa, upper, lower, pb, bBase, kc, out, oIdx, ldo));
                assertArrayEquals(six, tall, kernels.name() + " kc=" + kc + " mode=" + mode);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.joule.kernel.KernelWidths#all")
    void inPlaceTwelveRowsEqualTwoSixRowCalls(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(13);
        int nr = 2 * kernels.species().length();
        int kc = 97;
        int lda = kc + 4;
        float[] a = GemmDifferentialTest.randomArray(rnd, (kc + 14) * lda); // room for 14 rows or 97 depth steps lda apart
        float[] pb = GemmDifferentialTest.randomArray(rnd, nr * kc);
        for (boolean transA : new boolean[] {false, true}) {
            // op(A)[i, p] at aIdx + i·rowStep + p·depthStep; transposed, rows are adjacent and depth steps lda apart.
            int rowStep = transA ? 1 : lda;
            int depthStep = transA ? lda : 1;
            int aIdx = transA ? 1 : lda + 1;
            for (int mode : new int[] {VectorMicroKernel.STORE, VectorMicroKernel.ADD, VectorMicroKernel.SCALE_ADD}) {
                int ldc = nr;
                float[] c0 = GemmDifferentialTest.randomArray(rnd, 12 * ldc);
                float beta = 0.5f;
                float[] six = c0.clone();
                kernels.microKernelDirect(a, aIdx, rowStep, depthStep, pb, 0, kc, six, 0, ldc, mode, beta);
                kernels.microKernelDirect(a, aIdx + 6 * rowStep, rowStep, depthStep, pb, 0, kc, six, 6 * ldc, ldc,
                        mode, beta);
                float[] tall = twelveRows(kernels, c0, 0, ldc, mode, beta,
                        (out, oIdx, ldo) -> kernels.microKernelDirect12(a, aIdx, rowStep, depthStep, pb, 0, kc,
                                out, oIdx, ldo));
                assertArrayEquals(six, tall, kernels.name() + " transA=" + transA + " mode=" + mode);
            }
        }
    }

    private interface TwelveRows {
        void into(float[] out, int oIdx, int ldo);
    }

    /** As the gemm calls them: stored straight into C, or into a tile and then accumulated. */
    private static float[] twelveRows(VectorKernels kernels, float[] c0, int cIdx, int ldc, int mode, float beta,
                                      TwelveRows kernel) {
        float[] c = c0.clone();
        if (mode == VectorMicroKernel.STORE) {
            kernel.into(c, cIdx, ldc);
            return c;
        }
        int nr = 2 * kernels.species().length();
        float[] tile = new float[12 * nr + 1];
        tile[tile.length - 1] = SENTINEL;
        kernel.into(tile, 0, nr);
        assertEquals(SENTINEL, tile[tile.length - 1], "the kernel wrote past twelve rows");
        kernels.accumulate(tile, c, cIdx, ldc, mode, beta);
        return c;
    }

    @ParameterizedTest
    @MethodSource("dev.joule.kernel.KernelWidths#all")
    void gemmWithTwelveRowBlocksEqualsTheSameRowsSixAtATime(VectorKernels kernels) {
        // 24 rows run as two twelve-row blocks at 512 bits; rows 0-5, 6-11, ... as separate six-row
        // gemms are the six-row kernel's result.
        SplittableRandom rnd = new SplittableRandom(14);
        int m = 24, n = 96, k = 300;
        float[] a = GemmDifferentialTest.randomArray(rnd, m * k);
        float[] b = GemmDifferentialTest.randomArray(rnd, k * n);
        for (float beta : new float[] {0f, 1f, 0.25f}) {
            float[] c0 = GemmDifferentialTest.randomArray(rnd, m * n);
            float[] whole = c0.clone();
            kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, beta, whole, 0, n);
            float[] bySix = c0.clone();
            for (int r0 = 0; r0 < m; r0 += 6) {
                kernels.gemm(false, false, 6, n, k, a, r0 * k, k, b, 0, n, beta, bySix, r0 * n, n);
            }
            assertArrayEquals(bySix, whole, kernels.name() + " beta=" + beta + " " + Arrays.toString(new int[] {m, n, k}));
        }
    }
}
