package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** In-place GELU on array spans against the autograd op and a double-precision reference. */
class InPlaceActivationsTest {

    @Test
    void geluOnASpanEqualsTheOpAndTheReference() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n : new int[] {1, 5, 15, 16, 17, 31, 64, 70, 192}) {
            int off = 3;
            float[] a = new float[off + n + 2];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * 3);
            }
            a[off] = -9f;
            float[] before = a.clone();
            float[] span = new float[n];
            System.arraycopy(a, off, span, 0, n);
            float[] op;
            try (NoGrad ignored = NoGrad.enter()) {
                op = Ops.gelu(Var.constant(Tensor.of(span, n))).value().toArray();
            }
            InPlaceActivations.gelu(a, off, n);
            for (int i = 0; i < n; i++) {
                double x = before[off + i];
                double reference = x * 0.5 * (1 + Erf.erf(x / Math.sqrt(2)));
                assertEquals(reference, a[off + i], 3e-7 * (1 + Math.abs(x)), "n " + n + " element " + i + " (x " + x + ")");
                assertEquals(op[i], a[off + i], 3e-7 * (1 + Math.abs(x)), "against Ops.gelu, n " + n + " element " + i);
            }
            for (int i : new int[] {0, 1, 2, off + n, off + n + 1}) {
                assertEquals(before[i], a[i], "outside the span, element " + i + " is left alone");
            }
        }
    }

    /** The rational Φ of the vector path over a fine grid of [−12, 12], including the clamp at |x|/√2 = 4. */
    @Test
    void geluIsAccurateAcrossTheRange() {
        int n = 240_001;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = -12f + 24f * i / (n - 1);
        }
        float[] x = a.clone();
        InPlaceActivations.gelu(a, 0, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double reference = x[i] * 0.5 * (1 + Erf.erf(x[i] / Math.sqrt(2)));
            double err = Math.abs(a[i] - reference) / (1 + Math.abs(x[i]));
            worst = Math.max(worst, err);
            assertEquals(reference, a[i], 3e-7 * (1 + Math.abs(x[i])), "x " + x[i]);
        }
        assertTrue(worst > 0, "the vector path ran (an exact match everywhere would mean it did not)");
    }
}
