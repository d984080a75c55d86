package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionOpsTest {

    /** softmax(q kᵀ / √dh) v per (b, h) in double, with the causal mask applied explicitly. */
    private static double[] reference(double[] q, double[] k, double[] v, int heads, int tq, int tk, int dh, boolean causal) {
        double[] out = new double[heads * tq * dh];
        for (int h = 0; h < heads; h++) {
            double[] s = new double[tq * tk];
            Ref.matmul(q, h * tq * dh, false, k, h * tk * dh, true, s, 0, tq, tk, dh);
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    s[i * tk + j] = causal && j > i ? Double.NEGATIVE_INFINITY : s[i * tk + j] / Math.sqrt(dh);
                }
            }
            double[] p = Ref.softmaxRows(s, tk);
            Ref.matmul(p, 0, false, v, h * tk * dh, false, out, h * tq * dh, tq, dh, tk);
        }
        return out;
    }

    @Test
    void gradientsMatchReference() {
        for (boolean causal : new boolean[] {false, true}) {
            Tensor q = randn(81, 2, 2, 4, 3);
            Tensor k = randn(82, 2, 2, 4, 3);
            Tensor v = randn(83, 2, 2, 4, 3);
            GradCheck.check("attention causal=" + causal, x -> Ops.attention(x[0], x[1], x[2], causal),
                    a -> reference(a[0], a[1], a[2], 4, 4, 4, 3, causal), q, k, v);
        }
    }

    @Test
    void crossAttentionWithDifferentKeyLength() {
        Tensor q = randn(84, 1, 2, 3, 4);
        Tensor k = randn(85, 1, 2, 5, 4);
        Tensor v = randn(86, 1, 2, 5, 4);
        GradCheck.check("cross attention", x -> Ops.attention(x[0], x[1], x[2], false),
                a -> reference(a[0], a[1], a[2], 2, 3, 5, 4, false), q, k, v);
    }

    @Test
    void equalsExplicitCompositionOfOps() {
        Tensor q = randn(87, 2, 2, 5, 4);
        Tensor k = randn(88, 2, 2, 5, 4);
        Tensor v = randn(89, 2, 2, 5, 4);
        Var fused = Ops.attention(Var.constant(q), Var.constant(k), Var.constant(v), false);
        Var scores = Ops.scale(Ops.matmul(Var.constant(q), Var.constant(k), false, true), 0.5f);
        Var composed = Ops.matmul(Ops.softmax(scores, -1), Var.constant(v));
        float[] a = fused.value().toArray();
        float[] b = composed.value().toArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5);
        }
    }

    @Test
    void parallelHeadsGiveTheSameResultAsOneThread() {
        Tensor q = randn(93, 4, 16, 32, 16);
        Tensor k = randn(94, 4, 16, 32, 16);
        Tensor v = randn(95, 4, 16, 32, 16);
        Tensor seed = randn(96, 4, 16, 32, 16);
        float[][] one = grads(1, q, k, v, seed);
        float[][] two = grads(2, q, k, v, seed);
        for (int i = 0; i < one.length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(one[i], two[i], "tensor " + i);
        }
    }

    private static float[][] grads(int threads, Tensor q, Tensor k, Tensor v, Tensor seed) {
        int saved = dev.joule.kernel.Parallel.threads();
        dev.joule.kernel.Parallel.setThreads(threads);
        try {
            Var qv = Var.param(q.copy());
            Var kv = Var.param(k.copy());
            Var vv = Var.param(v.copy());
            Var y = Ops.attention(qv, kv, vv, true);
            y.backward(seed);
            return new float[][] {y.value().toArray(), qv.grad().toArray(), kv.grad().toArray(), vv.grad().toArray()};
        } finally {
            dev.joule.kernel.Parallel.setThreads(saved);
        }
    }

    /** [B, T, H·dh] to [B·H, T, dh] blocks, in double. */
    private static double[] splitHeads(double[] x, int b, int t, int h, int dh) {
        double[] y = new double[x.length];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int j = 0; j < dh; j++) {
                        y[((bi * h + hi) * t + ti) * dh + j] = x[(bi * t + ti) * h * dh + hi * dh + j];
                    }
                }
            }
        }
        return y;
    }

    private static double[] mergeHeads(double[] y, int b, int t, int h, int dh) {
        double[] x = new double[y.length];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int j = 0; j < dh; j++) {
                        x[(bi * t + ti) * h * dh + hi * dh + j] = y[((bi * h + hi) * t + ti) * dh + j];
                    }
                }
            }
        }
        return x;
    }

    @Test
    void attentionHeadsOnTheUnsplitLayout() {
        int b = 2;
        int tq = 3;
        int tk = 4;
        int h = 2;
        int dh = 3;
        for (boolean causal : new boolean[] {false, true}) {
            int t2 = causal ? tq : tk;
            Tensor q = randn(97, b, tq, h * dh);
            Tensor k = randn(98, b, t2, h * dh);
            Tensor v = randn(99, b, t2, h * dh);
            GradCheck.check("attentionHeads causal=" + causal, x -> Ops.attentionHeads(x[0], x[1], x[2], h, causal),
                    a -> mergeHeads(reference(splitHeads(a[0], b, tq, h, dh), splitHeads(a[1], b, t2, h, dh),
                            splitHeads(a[2], b, t2, h, dh), b * h, tq, t2, dh, causal), b, tq, h, dh), q, k, v);
        }
        Tensor q = randn(100, 2, 5, 8);
        Tensor k = randn(101, 2, 5, 8);
        Tensor v = randn(102, 2, 5, 8);
        Var merged = Ops.attentionHeads(Var.constant(q), Var.constant(k), Var.constant(v), 2, true);
        Var split = Ops.reshape(Ops.transpose(Ops.attention(
                Ops.transpose(Ops.reshape(Var.constant(q), 2, 5, 2, 4), 1, 2),
                Ops.transpose(Ops.reshape(Var.constant(k), 2, 5, 2, 4), 1, 2),
                Ops.transpose(Ops.reshape(Var.constant(v), 2, 5, 2, 4), 1, 2), true), 1, 2), 2, 5, 8);
        float[] a = merged.value().toArray();
        float[] c = split.value().toArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(c[i], a[i], 1e-6);
        }
    }

    @Test
    void mismatchedShapesNameAllThree() {
        Var q = Var.constant(Tensor.zeros(1, 2, 3, 4));
        Var k = Var.constant(Tensor.zeros(1, 2, 3, 5));
        dev.joule.tensor.ShapeException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.joule.tensor.ShapeException.class, () -> Ops.attention(q, k, k, false));
        org.junit.jupiter.api.Assertions.assertTrue(
                e.getMessage().contains("[1, 2, 3, 4]") && e.getMessage().contains("[1, 2, 3, 5]"), e.getMessage());
    }

    @Test
    void causalOutputIgnoresFutureKeys() {
        Tensor q = randn(90, 1, 1, 4, 2);
        Tensor k = randn(91, 1, 1, 4, 2);
        Tensor v = randn(92, 1, 1, 4, 2);
        float[] before = Ops.attention(Var.constant(q), Var.constant(k), Var.constant(v), true).value().toArray();
        k.set(50f, 0, 0, 3, 0);
        v.set(-50f, 0, 0, 3, 1);
        float[] after = Ops.attention(Var.constant(q), Var.constant(k), Var.constant(v), true).value().toArray();
        for (int i = 0; i < 3 * 2; i++) {
            assertEquals(before[i], after[i], 0f, "row " + i / 2 + " must not see key 3");
        }
        // The first query sees only the first key, so it returns the first value exactly.
        assertEquals(v.get(0, 0, 0, 0), after[0], 1e-6);
        assertEquals(v.get(0, 0, 0, 1), after[1], 1e-6);
    }
}
