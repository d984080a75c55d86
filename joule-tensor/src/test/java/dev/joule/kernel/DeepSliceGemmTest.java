package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Few-row products take k in deep slices ({@link VectorGemm#depthSlice}): at and around the row
 * threshold, with k inside one deep slice and k crossing it (the add-back of a second slice), against
 * the scalar reference, pre-packed against per-call bit for bit, and one thread against two.
 */
class DeepSliceGemmTest {
    private static final ScalarKernels REFERENCE = new ScalarKernels();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Stream<VectorKernels> widths() {
        return KernelWidths.all().stream();
    }

    @ParameterizedTest
    @MethodSource("widths")
    void deepSlicesMatchTheReferenceAndDoNotDependOnThreadsOrPacking(VectorKernels kernels) {
        SplittableRandom rnd = new SplittableRandom(48);
        int threshold = VectorGemm.SMALL_ROWS;
        int[] rowCounts = {1, 2, 7, 15, 17, 24, threshold, threshold + 1};
        int[][] kn = {{384, 70}, {VectorGemm.KC_SMALL + 37, 40}};
        for (int[] shape : kn) {
            int k = shape[0], n = shape[1];
            float[] b = GemmDifferentialTest.randomArray(rnd, k * n);
            PackedMatrix pm = PackedMatrix.pack(kernels, false, b, 0, n, k, n);
            for (int m : rowCounts) {
                float[] a = GemmDifferentialTest.randomArray(rnd, m * k);
                float[] c0 = GemmDifferentialTest.randomArray(rnd, m * n);
                String what = kernels.name() + " m=" + m + " k=" + k + " n=" + n;
                Parallel.setThreads(1);
                float[] got = c0.clone();
                kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 1f, got, 0, n);
                float[] pre = c0.clone();
                pm.multiply(m, a, 0, k, 1f, pre, 0, n);
                Parallel.setThreads(2);
                float[] two = c0.clone();
                pm.multiply(m, a, 0, k, 1f, two, 0, n);
                float[] ref = c0.clone();
                REFERENCE.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 1f, ref, 0, n);
                if (m > 1) { // one row takes the matrix-vector path
                    assertArrayEquals(got, pre, what + ": pre-packed must equal the per-call gemm");
                }
                assertArrayEquals(pre, two, what + ": the thread count changed the result");
                for (int i = 0; i < got.length; i++) {
                    double tolerance = 1.2e-7 * (k + 4) * 2 * k + 1e-30;
                    if (!(Math.abs(got[i] - ref[i]) <= tolerance)) {
                        fail(what + ": C[" + i + "] = " + got[i] + ", reference " + ref[i] + " " + Arrays.toString(new int[] {m, n, k}));
                    }
                }
            }
        }
    }
}
