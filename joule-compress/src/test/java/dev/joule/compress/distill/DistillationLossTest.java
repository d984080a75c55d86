package dev.joule.compress.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistillationLossTest {
    private static final int N = 5;
    private static final int C = 7;

    private static float[] random(long seed, float scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[N * C];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((rng.nextDouble() - 0.5) * scale);
        }
        return x;
    }

    private static double[] softmax(float[] x, int row, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < C; c++) {
            max = Math.max(max, x[row * C + c] / t);
        }
        double[] p = new double[C];
        double z = 0;
        for (int c = 0; c < C; c++) {
            p[c] = Math.exp(x[row * C + c] / t - max);
            z += p[c];
        }
        for (int c = 0; c < C; c++) {
            p[c] /= z;
        }
        return p;
    }

    private static final int[] TARGETS = {0, 3, 6, 2, 2};

    @Test
    void valueIsAlphaTSquaredKlPlusTheRestCrossEntropy() {
        float[] s = random(1, 6);
        float[] t = random(2, 6);
        float temp = 2.5f;
        float alpha = 0.3f;
        Var loss = DistillationLoss.of(Var.param(Tensor.of(s.clone(), N, C)), Tensor.of(t, N, C), TARGETS, temp, alpha);
        double kl = 0;
        double ce = 0;
        for (int r = 0; r < N; r++) {
            double[] pt = softmax(t, r, temp);
            double[] ps = softmax(s, r, temp);
            for (int c = 0; c < C; c++) {
                kl += pt[c] * (Math.log(pt[c]) - Math.log(ps[c]));
            }
            ce -= Math.log(softmax(s, r, 1)[TARGETS[r]]);
        }
        double expected = alpha * temp * temp * kl / N + (1 - alpha) * ce / N;
        assertEquals(expected, loss.value().item(), 1e-5);
    }

    /** d/ds of the loss: α·T·(softmax(s/T) − softmax(t/T))/N + (1 − α)·(softmax(s) − onehot)/N. */
    @Test
    void gradientMatchesTheClosedForm() {
        float[] s = random(3, 4);
        float[] t = random(4, 4);
        float temp = 2f;
        float alpha = 0.6f;
        Var student = Var.param(Tensor.of(s.clone(), N, C));
        DistillationLoss.of(student, Tensor.of(t, N, C), TARGETS, temp, alpha).backward();
        float[] g = student.grad().toArray();
        for (int r = 0; r < N; r++) {
            double[] pt = softmax(t, r, temp);
            double[] ps = softmax(s, r, temp);
            double[] p1 = softmax(s, r, 1);
            for (int c = 0; c < C; c++) {
                double expected = alpha * temp * (ps[c] - pt[c]) / N + (1 - alpha) * (p1[c] - (c == TARGETS[r] ? 1 : 0)) / N;
                assertEquals(expected, g[r * C + c], 1e-6, "row " + r + " class " + c);
            }
        }
    }

    @Test
    void aStudentEqualToItsTeacherHasZeroKl() {
        float[] t = random(5, 8);
        Var loss = DistillationLoss.of(Var.param(Tensor.of(t.clone(), N, C)), Tensor.of(t, N, C), TARGETS, 3f, 1f);
        assertEquals(0, loss.value().item(), 1e-6);
    }

    @Test
    void languageModelLogitsAreReadAsRows() {
        float[] s = random(6, 4);
        float[] t = random(7, 4);
        Var flat = DistillationLoss.of(Var.param(Tensor.of(s.clone(), N, C)), Tensor.of(t, N, C), TARGETS, 2f, 0.5f);
        Var seq = DistillationLoss.of(Var.param(Tensor.of(s.clone(), 1, N, C)), Tensor.of(t, 1, N, C), TARGETS, 2f, 0.5f);
        assertEquals(flat.value().item(), seq.value().item(), 1e-7);
    }

    @Test
    void mismatchedTeacherIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistillationLoss.of(
                Var.param(Tensor.zeros(N, C)), Tensor.zeros(N, C + 1), TARGETS, 2f, 0.5f));
        assertEquals(true, e.getMessage().contains("same task"), e.getMessage());
    }
}
