package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The RWKV WKV recurrence: gradient check against a direct double sum, step form against the whole, stability. */
class WkvOpsTest {
    private static final int B = 2;
    private static final int T = 5;
    private static final int C = 3;

    /** Direct sums: y_t = (Σ_{i<t} e^{−(t−1−i)e^w + k_i} v_i + e^{u+k_t} v_t) / (same without v). */
    private static double[] reference(double[] k, double[] v, double[] w, double[] u) {
        double[] y = new double[k.length];
        for (int b = 0; b < B; b++) {
            for (int c = 0; c < C; c++) {
                double lambda = Math.exp(w[c]);
                for (int t = 0; t < T; t++) {
                    int at = (b * T + t) * C + c;
                    double num = Math.exp(u[c] + k[at]) * v[at];
                    double den = Math.exp(u[c] + k[at]);
                    for (int i = 0; i < t; i++) {
                        int ai = (b * T + i) * C + c;
                        double e = Math.exp(-(t - 1 - i) * lambda + k[ai]);
                        num += e * v[ai];
                        den += e;
                    }
                    y[at] = num / den;
                }
            }
        }
        return y;
    }

    @Test
    void gradientsMatchTheDoubleReference() {
        GradCheck.check("wkv", x -> WkvOps.wkv(x[0], x[1], x[2], x[3]), x -> reference(x[0], x[1], x[2], x[3]),
                GradCheck.randn(1, B, T, C), GradCheck.randn(2, B, T, C), GradCheck.uniform(3, -1.5f, 0.5f, C),
                GradCheck.randn(4, C));
    }

    @Test
    void stepsEqualTheParallelForm() {
        int time = 20;
        Tensor k = GradCheck.randn(5, B, time, C);
        Tensor v = GradCheck.randn(6, B, time, C);
        Tensor w = GradCheck.randn(7, C);
        Tensor u = GradCheck.randn(8, C);
        Tensor full = WkvOps.wkv(Var.constant(k), Var.constant(v), Var.constant(w), Var.constant(u)).value();
        Tensor a = Tensor.zeros(B, C);
        Tensor b = Tensor.zeros(B, C);
        Tensor p = Tensor.full(WkvOps.P0, B, C);
        for (int t = 0; t < time; t++) {
            Tensor y = WkvOps.step(row(k, t), row(v, t), w, u, a, b, p);
            for (int bi = 0; bi < B; bi++) {
                for (int c = 0; c < C; c++) {
                    assertEquals(full.get(bi, t, c), y.get(bi, c), 1e-4f, "t=" + t);
                }
            }
        }
    }

    @Test
    void largeKeysStayFinite() {
        Tensor k = GradCheck.uniform(9, 80f, 120f, 1, 6, 2);
        Tensor v = GradCheck.randn(10, 1, 6, 2);
        Tensor y = WkvOps.wkv(Var.constant(k), Var.constant(v), Var.constant(Tensor.zeros(2)),
                Var.constant(Tensor.zeros(2))).value();
        for (float f : y.toArray()) {
            assertTrue(Float.isFinite(f) && Math.abs(f) < 10, "y " + f);
        }
    }

    private static Tensor row(Tensor x, int t) {
        return Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), B, C).value().copy();
    }
}
