package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossOpsTest {

    /** Mean over kept rows of −Σ_c q_c log softmax(x)_c with q = (1 − ε)·onehot + ε/C. */
    private static double[] crossEntropyRef(double[] x, int[] t, int c, double eps) {
        double total = 0;
        int kept = 0;
        for (int r = 0; r < t.length; r++) {
            if (t[r] < 0) {
                continue;
            }
            kept++;
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += Math.exp(x[r * c + j]);
            }
            for (int j = 0; j < c; j++) {
                double q = eps / c + (j == t[r] ? 1 - eps : 0);
                total -= q * (x[r * c + j] - Math.log(s));
            }
        }
        return new double[] {total / kept};
    }

    @Test
    void crossEntropyGradientsWithSmoothingAndIgnoredRows() {
        Tensor logits = randn(111, 5, 4);
        int[] targets = {2, -1, 0, 3, 1};
        for (float eps : new float[] {0f, 0.1f}) {
            GradCheck.check("crossEntropy eps=" + eps, v -> Ops.crossEntropy(v[0], targets, eps),
                    a -> crossEntropyRef(a[0], targets, 4, eps), logits);
        }
    }

    @Test
    void crossEntropyMatchesHandValuesAndIsStable() {
        // Uniform logits over 4 classes: loss ln 4 whatever the target.
        Var uniform = Var.constant(Tensor.zeros(2, 4));
        assertEquals(Math.log(4), Ops.crossEntropy(uniform, new int[] {0, 3}, 0f).value().item(), 1e-6);
        // Huge logits must not overflow: the correct class dominates, loss ~ 0.
        Var huge = Var.constant(Tensor.of(new float[] {1e4f, 0f, -1e4f}, 1, 3));
        assertEquals(0.0, Ops.crossEntropy(huge, new int[] {0}, 0f).value().item(), 1e-6);
        // By hand: log-probs of [1, 2, 3] are [-2.40761, -1.40761, -0.40761]; with ε = 0.2 the loss is
        // 0.8 · 2.40761 + 0.2 · mean(2.40761, 1.40761, 0.40761) = 2.20761 (PyTorch's label_smoothing definition).
        Var l = Var.constant(Tensor.of(new float[] {1f, 2f, 3f}, 1, 3));
        assertEquals(2.20761, Ops.crossEntropy(l, new int[] {0}, 0.2f).value().item(), 1e-4);
    }

    @Test
    void crossEntropyOverManyRowsMatchesReference() {
        int rows = 5000;
        int c = 7;
        Tensor logits = randn(114, rows, c);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = r % 11 == 0 ? -1 : r % c;
        }
        int saved = dev.joule.kernel.Parallel.threads();
        dev.joule.kernel.Parallel.setThreads(2);
        try {
            Var l = Var.param(logits);
            Var loss = Ops.crossEntropy(l, targets, 0.1f);
            double[] x = GradCheck.toDouble(logits);
            assertEquals(crossEntropyRef(x, targets, c, 0.1)[0], loss.value().item(), 1e-5);
            loss.backward();
            int kept = 0;
            for (int t : targets) {
                kept += t < 0 ? 0 : 1;
            }
            for (int r = 0; r < rows; r += 97) {
                double s = 0;
                for (int j = 0; j < c; j++) {
                    s += Math.exp(x[r * c + j]);
                }
                for (int j = 0; j < c; j++) {
                    double q = targets[r] < 0 ? 0 : 0.1 / c + (j == targets[r] ? 0.9 : 0);
                    double p = targets[r] < 0 ? 0 : Math.exp(x[r * c + j]) / s;
                    assertEquals((p - q) / kept, l.grad().get(r, j), 1e-8);
                }
            }
        } finally {
            dev.joule.kernel.Parallel.setThreads(saved);
        }
    }

    @Test
    void badTargetsAreNamed() {
        Var l = Var.constant(Tensor.zeros(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.crossEntropy(l, new int[] {0, 3}, 0f));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("row 1"), e.getMessage());
        assertThrows(dev.joule.tensor.ShapeException.class, () -> Ops.crossEntropy(l, new int[] {0}, 0f));
    }

    @Test
    void mseGradientsForBothSides() {
        Tensor p = randn(112, 3, 4);
        Tensor t = randn(113, 3, 4);
        GradCheck.check("mse", v -> Ops.mse(v[0], v[1]), a -> {
            double s = 0;
            for (int i = 0; i < a[0].length; i++) {
                s += (a[0][i] - a[1][i]) * (a[0][i] - a[1][i]);
            }
            return new double[] {s / a[0].length};
        }, p, t);
    }
}
