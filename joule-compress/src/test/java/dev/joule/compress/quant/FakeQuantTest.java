package dev.joule.compress.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.compress.LinearLayer;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FakeQuantTest {
    private static final int ROWS = 6;
    private static final int IN = 96;
    private static final int OUT = 20;

    private static float[] random(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * r.nextGaussian());
        }
        return v;
    }

    /**
     * The QAT forward (fake-quantized x and w, multiplied in f32) against the real W8A8 kernel on the
     * same f32 inputs. Both compute with the same codes qx[b, i], qw[o, i] and scales sx[b], sw[o]; the
     * kernel sums the codes exactly in int32 and scales once, the fake path sums (sx·qx)(sw·qw) in f32.
     * "Within 1 LSB" means |y_fake[b, o] − y_kernel[b, o]| ≤ sx[b] · sw[o], one unit of the int32
     * accumulator expressed in output units: the outputs agree to less than one integer step.
     */
    @Test
    void fakeQuantForwardMatchesTheW8a8KernelWithinOneLsb() {
        float[] x = random(ROWS * IN, 1, 1.5);
        float[] w = random(OUT * IN, 2, 0.2);
        Int8Matrix qw = Int8Matrix.quantize(w, 0, OUT, IN);
        float[] yKernel = new float[ROWS * OUT];
        Int8Weights.w8a8(qw).multiply(x, 0, ROWS, yKernel, 0);

        Var wv = Var.param(Tensor.of(w.clone(), OUT, IN));
        QatTraining qat = QatTraining.enable(List.of(new LinearLayer("w", wv, OUT, IN, 1)));
        float[] yFake = Ops.linear(Var.param(Tensor.of(x.clone(), ROWS, IN)), wv, null).value().toArray();
        float[] yEval;
        try (NoGrad ignored = NoGrad.enter()) {
            yEval = Ops.linear(Var.constant(Tensor.of(x.clone(), ROWS, IN)), wv, null).value().toArray();
        }
        qat.disable();

        float[] sx = Int8Activations.of(x, 0, ROWS, IN).scales();
        double worstLsb = 0;
        for (int b = 0; b < ROWS; b++) {
            for (int o = 0; o < OUT; o++) {
                double lsb = (double) sx[b] * qw.scales()[o];
                double diff = Math.abs(yFake[b * OUT + o] - yKernel[b * OUT + o]);
                assertTrue(diff <= lsb, "output (" + b + ", " + o + "): fake " + yFake[b * OUT + o] + ", kernel "
                        + yKernel[b * OUT + o] + ", 1 LSB = " + lsb);
                worstLsb = Math.max(worstLsb, diff / lsb);
            }
        }
        assertArrayEquals(yFake, yEval, "evaluation without a form runs the same fake-quantized product");
        assertTrue(worstLsb < 1, "worst difference " + worstLsb + " LSB");
    }

    @Test
    void fakeQuantizedOperandsAreTheKernelsCodesTimesScales() {
        float[] x = random(ROWS * IN, 3, 1);
        float[] w = random(OUT * IN, 4, 1);
        assertArrayEquals(Int8Activations.of(x, 0, ROWS, IN).dequantize(),
                FakeQuant.int8ActivationsPerRow(Var.param(Tensor.of(x, ROWS, IN))).value().toArray());
        assertArrayEquals(Int8Matrix.quantize(w, 0, OUT, IN).dequantize(),
                FakeQuant.int8Weights(Var.param(Tensor.of(w, OUT, IN))).value().toArray());
        float scale = 0.01f;
        assertArrayEquals(new Int8Activations(ROWS, IN).quantizeWithScale(x, 0, scale).dequantize(),
                FakeQuant.int8ActivationsStatic(Var.param(Tensor.of(x, ROWS, IN)), scale).value().toArray());
    }

    /**
     * The straight-through gradient is the derivative of the surrogate {@code clamp(x, −127 s, 127 s)}:
     * checked against central differences of that surrogate (1 inside the range, 0 where it clips).
     */
    @Test
    void straightThroughGradientIsTheClampSurrogatesDerivative() {
        float[] x = random(ROWS * IN, 5, 1);
        float scale = 1.2f / 127;                          // clips roughly a quarter of N(0, 1)
        float[] seed = random(ROWS * IN, 6, 1);
        Var xs = Var.param(Tensor.of(x.clone(), ROWS, IN));
        FakeQuant.int8ActivationsStatic(xs, scale).backward(Tensor.of(seed.clone(), ROWS, IN));
        float[] g = xs.grad().toArray();
        double h = 1e-4;
        double limit = 127.5 * scale;                      // rint(x/s) stays within ±127 below this
        int clipped = 0;
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(Math.abs(x[i]) - limit) < 2 * h) {
                continue;
            }
            double d = (clamp(x[i] + h, limit) - clamp(x[i] - h, limit)) / (2 * h);
            assertEquals(seed[i] * d, g[i], 1e-5, "element " + i + " at x = " + x[i]);
            clipped += d == 0 ? 1 : 0;
        }
        assertTrue(clipped > 0, "the test covers clipped values");

        Var xd = Var.param(Tensor.of(x.clone(), ROWS, IN));
        FakeQuant.int8ActivationsPerRow(xd).backward(Tensor.of(seed.clone(), ROWS, IN));
        assertArrayEquals(seed, xd.grad().toArray(), "dynamic per-row scales never clip: identity");
        Var wd = Var.param(Tensor.of(x.clone(), ROWS, IN));
        FakeQuant.int8Weights(wd).backward(Tensor.of(seed.clone(), ROWS, IN));
        assertArrayEquals(seed, wd.grad().toArray(), "per-channel weight scales never clip: identity");
    }

    private static double clamp(double v, double limit) {
        return Math.max(-limit, Math.min(limit, v));
    }

    /** Through Ops.linear the weight and input gradients are the plain linear's at the fake-quantized point. */
    @Test
    void hookedLinearGradientsAreThePlainOnesAtTheQuantizedOperands() {
        float[] x = random(ROWS * IN, 7, 1);
        float[] w = random(OUT * IN, 8, 0.3);
        float[] b = random(OUT, 9, 0.1);
        float[] seed = random(ROWS * OUT, 10, 1);
        Var xv = Var.param(Tensor.of(x.clone(), ROWS, IN));
        Var wv = Var.param(Tensor.of(w.clone(), OUT, IN));
        Var bv = Var.param(Tensor.of(b.clone(), OUT));
        QatTraining.enable(List.of(new LinearLayer("w", wv, OUT, IN, 1)));
        Ops.linear(xv, wv, bv).backward(Tensor.of(seed.clone(), ROWS, OUT));

        Var xq = Var.param(Tensor.of(Int8Activations.of(x, 0, ROWS, IN).dequantize(), ROWS, IN));
        Var wq = Var.param(Tensor.of(Int8Matrix.quantize(w, 0, OUT, IN).dequantize(), OUT, IN));
        Var bq = Var.param(Tensor.of(b.clone(), OUT));
        Ops.linear(xq, wq, bq).backward(Tensor.of(seed.clone(), ROWS, OUT));
        assertArrayEquals(xq.grad().toArray(), xv.grad().toArray());
        assertArrayEquals(wq.grad().toArray(), wv.grad().toArray());
        assertArrayEquals(bq.grad().toArray(), bv.grad().toArray());
    }
}
