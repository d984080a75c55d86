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

    private static double[] reference(double[] u, double[] dt, double[] a, double[] bIn, double[] c) {
        return reference(u, dt, a, bIn, c, B, T, E, N);
    }

    /** Direct evaluation of h_t = exp(dt·a)·h_{t−1} + dt·B·u, y = C·h in double. */
    private static double[] reference(double[] u, double[] dt, double[] a, double[] bIn, double[] c, int B, int T,
            int E, int N) {
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

    /** 19 states: full vectors at every width the machine offers, plus a scalar tail. */
    @Test
    void gradientsWithWideStateMatchTheDoubleReference() {
        int b = 2;
        int t = 3;
        int e = 2;
        int n = 19;
        GradCheck.check("selectiveScan N=19", x -> SsmOps.selectiveScan(x[0], x[1], x[2], x[3], x[4]),
                x -> reference(x[0], x[1], x[2], x[3], x[4], b, t, e, n),
                GradCheck.randn(11, b, t, e), GradCheck.uniform(12, 0.05f, 1.5f, b, t, e),
                GradCheck.uniform(13, -2f, -0.2f, e, n), GradCheck.randn(14, b, t, n), GradCheck.randn(15, b, t, n));
    }

    /** 37 positions: three checkpoints of 16 and a partial one, so backward recomputes across chunk borders. */
    @Test
    void gradientsAcrossCheckpointsMatchTheDoubleReference() {
        int b = 1;
        int t = 37;
        int e = 2;
        int n = 3;
        GradCheck.check("selectiveScan T=37", x -> SsmOps.selectiveScan(x[0], x[1], x[2], x[3], x[4]),
                x -> reference(x[0], x[1], x[2], x[3], x[4], b, t, e, n),
                GradCheck.randn(41, b, t, e), GradCheck.uniform(42, 0.05f, 0.6f, b, t, e),
                GradCheck.uniform(43, -1f, -0.1f, e, n), GradCheck.randn(44, b, t, n), GradCheck.randn(45, b, t, n));
    }

    /**
     * 32 channels: the lane kernel (channels across vector lanes, when the vector kernels are active) runs;
     * 20 positions cross a checkpoint.
     */
    @Test
    void laneKernelGradientsMatchTheDoubleReference() {
        int b = 2;
        int t = 20;
        int e = 32;
        int n = 3;
        GradCheck.check("selectiveScan E=32", x -> SsmOps.selectiveScan(x[0], x[1], x[2], x[3], x[4]),
                x -> reference(x[0], x[1], x[2], x[3], x[4], b, t, e, n),
                GradCheck.randn(61, b, t, e), GradCheck.uniform(62, 0.05f, 0.6f, b, t, e),
                GradCheck.uniform(63, -1f, -0.1f, e, n), GradCheck.randn(64, b, t, n), GradCheck.randn(65, b, t, n));
    }

    /** The lane kernel's whole-sequence outputs against the step form (which runs the per-channel rows). */
    @Test
    void laneKernelEqualsTheStepForm() {
        int e = 32;
        int n = 16;
        int time = 21;
        Tensor u = GradCheck.randn(66, B, time, e);
        Tensor dt = GradCheck.uniform(67, 0.01f, 1f, B, time, e);
        Tensor a = GradCheck.uniform(68, -3f, -0.1f, e, n);
        Tensor bIn = GradCheck.randn(69, B, time, n);
        Tensor c = GradCheck.randn(70, B, time, n);
        Tensor full = SsmOps.selectiveScan(Var.constant(u), Var.constant(dt), Var.constant(a), Var.constant(bIn),
                Var.constant(c)).value();
        Tensor state = Tensor.zeros(B, e, n);
        for (int t = 0; t < time; t++) {
            Tensor y = SsmOps.step(at(u, t), at(dt, t), a, at(bIn, t), at(c, t), state);
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < e; k++) {
                    assertEquals(full.get(b, t, k), y.get(b, k), 1e-4f * (1 + Math.abs(y.get(b, k))), "t=" + t);
                }
            }
        }
    }

    /** The engine's row kernel (vector when active) against the scalar oracle, odd lengths and offsets. */
    @Test
    void rowKernelEqualsScalar() {
        SsmRows fast = SsmRows.get();
        SsmRows scalar = SsmRows.scalar();
        for (int n : new int[] {1, 7, 16, 19, 33}) {
            for (int off : new int[] {0, 3}) {
                int len = off + 2 * n + 5;
                float[] decay = GradCheck.uniform(20 + n, 0.1f, 1f, len).toArray();
                float[] a = GradCheck.uniform(21 + n, -2f, -0.1f, len).toArray();
                float[] b = GradCheck.randn(22 + n, len).toArray();
                float[] c = GradCheck.randn(23 + n, len).toArray();
                float[] h1 = GradCheck.randn(24 + n, len).toArray();
                float[] h2 = h1.clone();
                float y1 = fast.forward(h1, off + n, off, decay, off, 0.7f, b, c, off + 1, n);
                float y2 = scalar.forward(h2, off + n, off, decay, off, 0.7f, b, c, off + 1, n);
                assertEquals(y2, y1, 1e-4f * (1 + Math.abs(y2)), "forward n=" + n);
                for (int i = 0; i < len; i++) {
                    assertEquals(h2[i], h1[i], 1e-5f, "state n=" + n);
                }
                float[][] fastArrays = backwardArrays(len, n);
                float[][] scalarArrays = backwardArrays(len, n);
                float[] s1 = new float[2];
                float[] s2 = new float[2];
                fast.backward(0.3f, 0.9f, -0.4f, h1, off + n, off, decay, off, a, fastArrays[0], fastArrays[1], 1, off, b,
                        c, fastArrays[2], fastArrays[3], off + 1, n, s1);
                scalar.backward(0.3f, 0.9f, -0.4f, h2, off + n, off, decay, off, a, scalarArrays[0], scalarArrays[1], 1,
                        off, b, c, scalarArrays[2], scalarArrays[3], off + 1, n, s2);
                assertEquals(s2[0], s1[0], 1e-4f * (1 + Math.abs(s2[0])), "sum decay n=" + n);
                assertEquals(s2[1], s1[1], 1e-4f * (1 + Math.abs(s2[1])), "sum B n=" + n);
                for (int k = 0; k < 4; k++) {
                    for (int i = 0; i < len + 1; i++) {
                        assertEquals(scalarArrays[k][i], fastArrays[k][i], 1e-5f, "array " + k + " n=" + n);
                    }
                }
            }
        }
    }

    /** The engine's decays (one fused vector pass when active) against Math.exp, down to e^−87 and below. */
    @Test
    void decaysEqualTheScalarOracle() {
        SsmRows fast = SsmRows.get();
        SsmRows scalar = SsmRows.scalar();
        for (int n : new int[] {1, 16, 19, 40}) {
            int width = 3;
            float[] dt = {0.001f, 0.7f, 25f};
            float[] a = GradCheck.uniform(50 + n, -8f, -0.01f, width * n).toArray();
            float[] d1 = new float[2 + width * n];
            float[] d2 = new float[2 + width * n];
            fast.decays(dt, 0, a, d1, 2, width, n);
            scalar.decays(dt, 0, a, d2, 2, width, n);
            for (int i = 0; i < d1.length; i++) {
                assertEquals(d2[i], d1[i], 3e-7f * d2[i] + 1e-37f, "decay n=" + n + " i=" + i);
            }
        }
    }

    /** carry, ∂a rows, ∂B, ∂C with the same seeded contents. */
    private static float[][] backwardArrays(int len, int n) {
        return new float[][] {GradCheck.randn(30 + n, len + 1).toArray(), GradCheck.randn(31 + n, len + 1).toArray(),
                GradCheck.randn(32 + n, len + 1).toArray(), GradCheck.randn(33 + n, len + 1).toArray()};
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
