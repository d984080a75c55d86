package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The selective scan: gradient check against a double reference, and the step form against the whole. */
class SsmOpsTest {
    private static final int B = 2;
    private static final int T = 4;
    private static final int E = 3;
    private static final int N = 2;

    /** Direct evaluation of h_t = exp(dt·a)·h_{t−1} + dt·B·u, y = C·h in double. */
    private static double[] reference(double[] u, double[] dt, double[] a, double[] bIn, double[] c) {
        double[] y = new double[B * T * E];
        for (int b = 0; b < B; b++) {
            for (int e = 0; e < E; e++) {
                double[] h = new double[N];
                for (int t = 0; t < T; t++) {
                    int i = (b * T + t) * E + e;
                    double acc = 0;
                    for (int n = 0; n < N; n++) {
                        int bn = (b * T + t) * N + n;
                        h[n] = Math.exp(dt[i] * a[e * N + n]) * h[n] + dt[i] * bIn[bn] * u[i];
                        acc += c[bn] * h[n];
                    }
                    y[i] = acc;
                }
            }
        }
        return y;
    }

    @Test
    void gradientsMatchTheDoubleReference() {
        GradCheck.check("selectiveScan", x -> SsmOps.selectiveScan(x[0], x[1], x[2], x[3], x[4]),
                x -> reference(x[0], x[1], x[2], x[3], x[4]),
                GradCheck.randn(1, B, T, E), GradCheck.uniform(2, 0.05f, 1.5f, B, T, E),
                GradCheck.uniform(3, -2f, -0.2f, E, N), GradCheck.randn(4, B, T, N), GradCheck.randn(5, B, T, N));
    }

    @Test
    void stepsEqualTheParallelForm() {
        int time = 30;
        Tensor u = GradCheck.randn(6, B, time, E);
        Tensor dt = GradCheck.uniform(7, 0.01f, 1f, B, time, E);
        Tensor a = GradCheck.uniform(8, -3f, -0.1f, E, N);
        Tensor bIn = GradCheck.randn(9, B, time, N);
        Tensor c = GradCheck.randn(10, B, time, N);
        Tensor full = SsmOps.selectiveScan(Var.constant(u), Var.constant(dt), Var.constant(a), Var.constant(bIn),
                Var.constant(c)).value();
        Tensor state = Tensor.zeros(B, E, N);
        for (int t = 0; t < time; t++) {
            Tensor y = SsmOps.step(at(u, t), at(dt, t), a, at(bIn, t), at(c, t), state);
            for (int b = 0; b < B; b++) {
                for (int e = 0; e < E; e++) {
                    assertEquals(full.get(b, t, e), y.get(b, e), 1e-4f, "t=" + t);
                }
            }
        }
    }

    private static Tensor at(Tensor x, int t) {
        return Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), x.shape()[0], x.shape()[2]).value().copy();
    }
}
