package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The RWKV-5 WKV recurrence: forward and gradients against a sequential double reference, step = whole. */
class Wkv5OpsTest {
    private static final int B = 2;
    private static final int T = 19;
    private static final int H = 2;
    private static final int N = 3;

    /** y_t = r_t (diag(u) k_tᵀ v_t + S_{t−1}), S_t = diag(exp(−exp θ)) S_{t−1} + k_tᵀ v_t, in double. */
    static double[] reference(double[] r, double[] k, double[] v, double[] theta, double[] u, int batch, int time) {
        double[] y = new double[r.length];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < H; h++) {
                double[][] s = new double[N][N];
                for (int t = 0; t < time; t++) {
                    int at = ((b * time + t) * H + h) * N;
                    for (int j = 0; j < N; j++) {
                        double sum = 0;
                        for (int i = 0; i < N; i++) {
                            sum += r[at + i] * (u[h * N + i] * k[at + i] * v[at + j] + s[i][j]);
                        }
                        y[at + j] = sum;
                    }
                    for (int i = 0; i < N; i++) {
                        double w = Math.exp(-Math.exp(theta[h * N + i]));
                        for (int j = 0; j < N; j++) {
                            s[i][j] = w * s[i][j] + k[at + i] * v[at + j];
                        }
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardAndGradientsMatchTheDoubleReference() {
        GradCheck.check("wkv5", x -> Wkv5Ops.wkv5(x[0], x[1], x[2], x[3], x[4]),
                x -> reference(x[0], x[1], x[2], x[3], x[4], B, T),
                GradCheck.randn(1, B, T, H, N), GradCheck.randn(2, B, T, H, N), GradCheck.randn(3, B, T, H, N),
                GradCheck.uniform(4, -3f, 0.5f, H, N), GradCheck.randn(5, H, N));
    }

    @Test
    void forwardMatchesTheReferenceOverSeveralChunks() {
        int time = 3 * Wkv5Ops.CHUNK + 5;
        Tensor r = GradCheck.randn(6, 1, time, H, N);
        Tensor k = GradCheck.randn(7, 1, time, H, N);
        Tensor v = GradCheck.randn(8, 1, time, H, N);
        Tensor theta = GradCheck.uniform(9, -5f, 1f, H, N);
        Tensor u = GradCheck.randn(10, H, N);
        float[] y = Wkv5Ops.wkv5(Var.constant(r), Var.constant(k), Var.constant(v), Var.constant(theta),
                Var.constant(u)).value().toArray();
        double[] ref = reference(d(r), d(k), d(v), d(theta), d(u), 1, time);
        for (int i = 0; i < y.length; i++) {
            assertEquals(ref[i], y[i], 1e-4 * (1 + Math.abs(ref[i])), "element " + i);
        }
    }

    @Test
    void stepsEqualTheWholeSequence() {
        int time = 21;
        Tensor r = GradCheck.randn(11, B, time, H, N);
        Tensor k = GradCheck.randn(12, B, time, H, N);
        Tensor v = GradCheck.randn(13, B, time, H, N);
        Tensor theta = GradCheck.randn(14, H, N);
        Tensor u = GradCheck.randn(15, H, N);
        Tensor full = Wkv5Ops.wkv5(Var.constant(r), Var.constant(k), Var.constant(v), Var.constant(theta),
                Var.constant(u)).value();
        Tensor state = Tensor.zeros(B, H, N, N);
        for (int t = 0; t < time; t++) {
            Tensor y = Wkv5Ops.step(row(r, t), row(k, t), row(v, t), theta, u, state);
            for (int b = 0; b < B; b++) {
                for (int c = 0; c < H * N; c++) {
                    assertEquals(full.get(b, t, c / N, c % N), y.get(b, c), 1e-5f, "t=" + t);
                }
            }
        }
    }

    @Test
    void fastAndSlowDecaysStayFinite() {
        int time = 40;
        Tensor theta = Tensor.of(new float[] {-9f, -2f, 0f, 2f, 4f, 8f}, H, N);
        Var r = Var.param(GradCheck.randn(16, 1, time, H, N));
        Var k = Var.param(GradCheck.randn(17, 1, time, H, N));
        Var v = Var.param(GradCheck.randn(18, 1, time, H, N));
        Var decay = Var.param(theta);
        Var bonus = Var.param(GradCheck.randn(19, H, N));
        Var y = Wkv5Ops.wkv5(r, k, v, decay, bonus);
        Ops.sumAll(y).backward();
        for (Var x : new Var[] {y, r, k, v, decay, bonus}) {
            Tensor t = x == y ? y.value() : x.grad();
            for (float f : t.toArray()) {
                assertTrue(Float.isFinite(f), "non-finite value " + f);
            }
        }
    }

    /** The active kernels (Vector API when enabled) agree with the scalar oracle, partial column blocks included. */
    @Test
    void kernelsMatchTheScalarOracle() {
        Wkv5Rows[] impl = {Wkv5Rows.get(), Wkv5Rows.scalar()};
        for (int n : new int[] {3, 16, 37}) {
            float[] r = GradCheck.randn(20 + n, n).toArray();
            float[] k = GradCheck.randn(21 + n, n).toArray();
            float[] v = GradCheck.randn(22 + n, n).toArray();
            float[] g = GradCheck.randn(23 + n, n).toArray();
            float[] w = GradCheck.uniform(24 + n, 0f, 1f, n).toArray();
            float[][][] out = new float[2][][];
            for (int m = 0; m < 2; m++) {
                float[] s = GradCheck.randn(25 + n, 2 * n * n).toArray();
                float[] y = GradCheck.randn(26 + n, n).toArray();
                float[] d = GradCheck.randn(27 + n, n * n).toArray();
                float[] gr = new float[n];
                float[] gk = new float[n];
                float[] gv = new float[n];
                float[] gw = new float[n * n];
                impl[m].forward(s, 0, r, k, v, y, 0, w, 0, n);
                impl[m].advance(s, 0, n * n, k, v, 0, w, 0, n);
                impl[m].backward(s, n * n, d, r, k, v, g, 0, w, 0, gr, gk, gv, gw, n);
                out[m] = new float[][] {s, y, d, gr, gk, gv, gw};
            }
            for (int a = 0; a < out[0].length; a++) {
                for (int i = 0; i < out[0][a].length; i++) {
                    assertEquals(out[1][a][i], out[0][a][i], 1e-4f * (1 + Math.abs(out[1][a][i])),
                            "n=" + n + " array " + a + " element " + i);
                }
            }
        }
    }

    @Test
    void wrongShapesNameTheOperands() {
        Var x = Var.constant(Tensor.zeros(1, 2, H, N));
        Var bad = Var.constant(Tensor.zeros(H * N));
        ShapeException e = assertThrows(ShapeException.class, () -> Wkv5Ops.wkv5(x, x, x, bad, bad));
        assertTrue(e.getMessage().contains("decay"), e.getMessage());
    }

    private static double[] d(Tensor t) {
        float[] f = t.toArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    private static Tensor row(Tensor x, int t) {
        return Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), x.shape()[0], H * N).value().copy();
    }
}
