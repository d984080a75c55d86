package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Causal linear attention: gradient check against a double reference, and the step form against the whole. */
class LinearAttentionOpsTest {
    private static final int B = 2;
    private static final int T = 4;
    private static final int HEADS = 2;
    private static final int DH = 3;
    private static final int W = HEADS * DH;

    private static double phi(double x) {
        return x > 0 ? x + 1 : Math.exp(x);
    }

    /** Quadratic-form reference: y_t = Σ_{s≤t} (φq_t·φk_s) v_s / (Σ_{s≤t} φq_t·φk_s + eps). */
    private static double[] reference(double[] q, double[] k, double[] v) {
        double[] y = new double[q.length];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < HEADS; h++) {
                for (int t = 0; t < T; t++) {
                    int qt = (b * T + t) * W + h * DH;
                    double den = LinearAttentionOps.EPS;
                    double[] num = new double[DH];
                    for (int s = 0; s <= t; s++) {
                        int ks = (b * T + s) * W + h * DH;
                        double w = 0;
                        for (int i = 0; i < DH; i++) {
                            w += phi(q[qt + i]) * phi(k[ks + i]);
                        }
                        den += w;
                        for (int j = 0; j < DH; j++) {
                            num[j] += w * v[ks + j];
                        }
                    }
                    for (int j = 0; j < DH; j++) {
                        y[qt + j] = num[j] / den;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void gradientsMatchTheDoubleReference() {
        GradCheck.check("linearAttention", x -> LinearAttentionOps.causal(x[0], x[1], x[2], HEADS),
                x -> reference(x[0], x[1], x[2]),
                GradCheck.randn(1, B, T, W), GradCheck.randn(2, B, T, W), GradCheck.randn(3, B, T, W));
    }

    @Test
    void stepsEqualTheParallelForm() {
        int time = 20;
        Tensor q = GradCheck.randn(4, B, time, W);
        Tensor k = GradCheck.randn(5, B, time, W);
        Tensor v = GradCheck.randn(6, B, time, W);
        Tensor full = LinearAttentionOps.causal(Var.constant(q), Var.constant(k), Var.constant(v), HEADS).value();
        Tensor state = Tensor.zeros(B, HEADS, DH, DH);
        Tensor z = Tensor.zeros(B, HEADS, DH);
        for (int t = 0; t < time; t++) {
            Tensor y = LinearAttentionOps.step(row(q, t), row(k, t), row(v, t), HEADS, state, z);
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < W; j++) {
                    assertEquals(full.get(b, t, j), y.get(b, j), 1e-4f, "t=" + t);
                }
            }
        }
    }

    private static Tensor row(Tensor x, int t) {
        return Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), B, W).value().copy();
    }
}
