package dev.joule.snn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Event-driven kernels against the dense layers and a scalar reference in the documented order; their counts. */
class SpikeKernelsTest {

    private static Tensor spikes(long seed, double rate, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() < rate ? 1f : 0f;
        }
        return t;
    }

    private static Tensor normal(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return t;
    }

    @Test
    void linearEqualsTheOrderedSumExactlyAndTheDenseLayerToRounding() {
        // 11 outputs take the plain loop, 40 the vector kernels' add: both must count and sum the same way.
        linearCase(11);
        linearCase(40);
    }

    private static void linearCase(int out) {
        int rows = 13;
        int in = 300;
        Tensor s = spikes(1, 0.2, rows, in);
        Tensor w = normal(2, out, in);
        Tensor b = normal(3, out);
        SpikeKernels.Result r;
        Tensor dense;
        try (NoGrad g = NoGrad.enter(); OpCounter.Region region = OpCounter.open()) {
            r = SpikeKernels.linear(s, w, b);
            assertEquals(0, region.macs(), "no multiplies");
            assertEquals(r.accumulates(), region.flops(), "accumulates recorded in the op counter");
            dense = Ops.linear(Var.constant(s), Var.constant(w), Var.constant(b)).value();
        }
        assertEquals(SpikeKernels.countNonZero(s) * out, r.accumulates(), "spikes × fan-out");
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < out; o++) {
                float ordered = b.get(o);
                float absSum = Math.abs(b.get(o));
                for (int j = 0; j < in; j++) {
                    if (s.get(i, j) != 0f) {
                        ordered += w.get(o, j);
                        absSum += Math.abs(w.get(o, j));
                    }
                }
                assertEquals(ordered, r.output().get(i, o), 0f, "bias, then fired rows in input order");
                // The gemm sums the same floats in blocks of k: only the rounding of the order differs.
                assertEquals(dense.get(i, o), r.output().get(i, o), 1e-6f * absSum + 1e-7f);
            }
        }
    }

    @Test
    void convEqualsTheDenseConvolutionAndCountsEveryInRangeTap() {
        Tensor s = spikes(4, 0.25, 3, 4, 9, 9);
        Tensor w = normal(5, 6, 4, 3, 3);
        Tensor b = normal(6, 6);
        SpikeKernels.Result r;
        Tensor dense;
        try (NoGrad g = NoGrad.enter(); OpCounter.Region region = OpCounter.open()) {
            r = SpikeKernels.conv2d(s, w, b, 1);
            assertEquals(0, region.macs());
            assertEquals(r.accumulates(), region.flops());
            dense = Ops.conv2d(Var.constant(s), Var.constant(w), Var.constant(b), 1, 1).value();
        }
        float[] e = r.output().toArray();
        float[] d = dense.toArray();
        assertEquals(d.length, e.length);
        for (int i = 0; i < d.length; i++) {
            assertEquals(d[i], e[i], 1e-5f, "output " + i);
        }
        long brute = 0;
        for (int n = 0; n < 3; n++) {
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < 9; y++) {
                    for (int x = 0; x < 9; x++) {
                        if (s.get(n, c, y, x) == 0f) {
                            continue;
                        }
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int oy = y + 1 - ky;
                                int ox = x + 1 - kx;
                                brute += oy >= 0 && oy < 9 && ox >= 0 && ox < 9 ? 6 : 0;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(brute, r.accumulates(), "spikes × in-range fan-out");
        assertEquals(brute, SpikeKernels.conv2dAccumulates(s, 6, 3, 1));
    }

    @Test
    void silentInputGivesTheBiasAndNoWork() {
        Tensor s = Tensor.zeros(2, 5);
        SpikeKernels.Result r = SpikeKernels.linear(s, normal(7, 3, 5), Tensor.of(new float[] {1f, 2f, 3f}, 3));
        assertEquals(0, r.accumulates());
        assertEquals(2f, r.output().get(1, 1));
    }

    @Test
    void analogInputsAreRejected() {
        Tensor x = Tensor.full(0.5f, 2, 5);
        assertThrows(IllegalArgumentException.class, () -> SpikeKernels.linear(x, normal(8, 3, 5), null));
    }

    @Test
    void rateEncodingIsBinarySeededAndFiresWithThePixelProbability() {
        Tensor x = Tensor.of(new float[] {0f, 0.25f, 0.75f, 1f}, 1, 4);
        int steps = 4000;
        Tensor a = SpikeEncoding.rate(x, steps, new SplittableRandom(9));
        Tensor b = SpikeEncoding.rate(x, steps, new SplittableRandom(9));
        assertEquals(steps, a.dim(0));
        double[] mean = new double[4];
        float[] d = a.toArray();
        for (int i = 0; i < d.length; i++) {
            assertTrue(d[i] == 0f || d[i] == 1f);
            mean[i % 4] += d[i];
        }
        assertEquals(0.0, mean[0]);
        assertEquals(steps, mean[3]);
        assertEquals(0.25, mean[1] / steps, 0.03);
        assertEquals(0.75, mean[2] / steps, 0.03);
        assertEquals(java.util.Arrays.toString(d), java.util.Arrays.toString(b.toArray()), "same seed, same spikes");
    }
}
