package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The elementwise and reduction kernels of every vector width against the scalar reference. */
class PrimitivesDifferentialTest {
    private static final ScalarKernels REFERENCE = new ScalarKernels();
    private static final int[] LENGTHS = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 70, 129, 257};

    static Stream<VectorKernels> widths() {
        return KernelWidths.all().stream();
    }

    private static float[] data(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rnd.nextDouble() * 6 - 3);
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("widths")
    void reductionsMatchScalar(VectorKernels v) {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : LENGTHS) {
            int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5);
            float[] x = data(rnd, xOff + n + 2);
            float[] y = data(rnd, yOff + n + 2);
            double absDot = 0, absSum = 0;
            for (int i = 0; i < n; i++) {
                absDot += Math.abs(x[xOff + i] * y[yOff + i]);
                absSum += Math.abs(x[xOff + i]);
            }
            double tol = 1.2e-7 * (n + 4);
            assertEquals(REFERENCE.dot(x, xOff, y, yOff, n), v.dot(x, xOff, y, yOff, n), tol * absDot + 1e-30,
                    v.name() + " dot n=" + n);
            assertEquals(REFERENCE.sum(x, xOff, n), v.sum(x, xOff, n), tol * absSum + 1e-30,
                    v.name() + " sum n=" + n);
            if (n > 0) {
                assertEquals(REFERENCE.max(x, xOff, n), v.max(x, xOff, n), v.name() + " max n=" + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void elementwiseMatchesScalarExactlyAndStaysInsideItsWindow(VectorKernels v) {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : LENGTHS) {
            int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5), oOff = rnd.nextInt(5);
            float[] x = data(rnd, xOff + n + 2);
            float[] y = data(rnd, yOff + n + 2);
            float[] out = data(rnd, oOff + n + 2);
            for (String op : new String[] {"add", "sub", "mul", "scale", "addScalar"}) {
                float[] expected = out.clone();
                float[] actual = out.clone();
                apply(REFERENCE, op, x, xOff, y, yOff, expected, oOff, n);
                apply(v, op, x, xOff, y, yOff, actual, oOff, n);
                assertArrayEquals(expected, actual, v.name() + " " + op + " n=" + n);
            }
            float[] yRef = y.clone();
            float[] yVec = y.clone();
            REFERENCE.axpy(0.75f, x, xOff, yRef, yOff, n);
            v.axpy(0.75f, x, xOff, yVec, yOff, n);
            for (int i = 0; i < yRef.length; i++) {
                assertEquals(yRef[i], yVec[i], 1e-6f * (1 + Math.abs(yRef[i])), v.name() + " axpy n=" + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void inPlaceElementwiseWorks(VectorKernels v) {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = 2 * x[i] * x[i];
        }
        v.mul(x, 0, x, 0, x, 0, x.length);
        v.scale(2f, x, 0, x, 0, x.length);
        assertArrayEquals(expected, x);
    }

    @ParameterizedTest
    @MethodSource("widths")
    void expShiftAndSoftmaxMatchScalar(VectorKernels v) {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : LENGTHS) {
            if (n == 0) {
                continue;
            }
            int off = rnd.nextInt(5);
            float[] x = data(rnd, off + n + 2);
            float[] ref = x.clone();
            float[] vec = x.clone();
            float refSum = REFERENCE.expShiftInPlace(ref, off, n, 1.5f);
            float vecSum = v.expShiftInPlace(vec, off, n, 1.5f);
            assertEquals(refSum, vecSum, 1e-5f * refSum, v.name() + " exp sum n=" + n);
            for (int i = 0; i < x.length; i++) {
                assertEquals(ref[i], vec[i], 2e-6f * Math.abs(ref[i]), v.name() + " exp n=" + n + " i=" + i);
            }
            float[] sm = x.clone();
            v.softmaxInPlace(sm, off, n);
            float[] smRef = x.clone();
            REFERENCE.softmaxInPlace(smRef, off, n);
            double total = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(smRef[off + i], sm[off + i], 1e-5f * smRef[off + i] + 1e-7f, v.name() + " softmax");
                total += sm[off + i];
            }
            assertEquals(1.0, total, 1e-5, v.name() + " softmax sums to one, n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("widths")
    void maxPropagatesNaNAndRejectsEmpty(VectorKernels v) {
        float[] x = new float[40];
        Arrays.fill(x, 1f);
        x[37] = Float.NaN;
        assertEquals(Float.NaN, v.max(x, 0, 40));
        assertEquals(Float.NaN, REFERENCE.max(x, 0, 40));
        assertThrows(IllegalArgumentException.class, () -> v.max(x, 0, 0));
    }

    private static void apply(Kernels k, String op, float[] x, int xOff, float[] y, int yOff,
                              float[] out, int oOff, int n) {
        switch (op) {
            case "add" -> k.add(x, xOff, y, yOff, out, oOff, n);
            case "sub" -> k.sub(x, xOff, y, yOff, out, oOff, n);
            case "mul" -> k.mul(x, xOff, y, yOff, out, oOff, n);
            case "scale" -> k.scale(-1.25f, x, xOff, out, oOff, n);
            case "addScalar" -> k.addScalar(0.5f, x, xOff, out, oOff, n);
            default -> throw new IllegalArgumentException(op);
        }
    }
}
