package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradient checks of the recurrent ops against double references, and the scan schedules against each other. */
class RecurrentOpsTest {
    private static final int B = 2;
    private static final int T = 5;
    private static final int H = 3;

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** h_t = a_t·h_{t−1} + b_t, h_{−1} = h0 (null: 0), all [B, T, D] flattened. */
    private static double[] scanRef(double[] a, double[] b, double[] h0, int batch, int time, int width) {
        double[] h = new double[b.length];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < width; j++) {
                double prev = h0 == null ? 0 : h0[r * width + j];
                for (int t = 0; t < time; t++) {
                    int i = (r * time + t) * width + j;
                    prev = a[i] * prev + b[i];
                    h[i] = prev;
                }
            }
        }
        return h;
    }

    @Test
    void linearScanGradients() {
        GradCheck.check("linearScan", v -> RecurrentOps.linearScan(v[0], v[1], v[2]),
                x -> scanRef(x[0], x[1], x[2], B, T, H),
                GradCheck.uniform(1, -1.2f, 1.2f, B, T, H), GradCheck.randn(2, B, T, H), GradCheck.randn(3, B, H));
    }

    @Test
    void linearScanWithoutInitialState() {
        GradCheck.check("linearScan h0=0", v -> RecurrentOps.linearScan(v[0], v[1], null),
                x -> scanRef(x[0], x[1], null, B, T, H),
                GradCheck.uniform(4, 0f, 1f, B, T, H), GradCheck.randn(5, B, T, H));
    }

    @Test
    void chunkedScheduleEqualsRowSchedule() {
        int batch = 2;
        int time = 2 * ScanKernel.CHUNK + 13;
        int width = 7;
        float[] a = GradCheck.uniform(6, 0.5f, 1.05f, batch, time, width).toArray();
        float[] b = GradCheck.randn(7, batch, time, width).toArray();
        float[] h0 = GradCheck.randn(8, batch, width).toArray();
        for (boolean reverse : new boolean[] {false, true}) {
            float[] rows = new float[b.length];
            float[] chunked = new float[b.length];
            ScanKernel.scanRows(a, b, reverse ? null : h0, rows, batch, time, width, reverse);
            ScanKernel.scanChunked(a, b, reverse ? null : h0, chunked, batch, time, width, reverse);
            for (int i = 0; i < b.length; i++) {
                assertEquals(rows[i], chunked[i], 1e-4 * (1 + Math.abs(rows[i])), "reverse=" + reverse + " element " + i);
            }
        }
    }

    @Test
    void lstmGatesGradients() {
        int t = 2;
        GradCheck.check("lstmGates", v -> RecurrentOps.lstmGates(v[0], t, v[1]), x -> {
            int g = 4 * H;
            double[] y = new double[B * g];
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < g; j++) {
                    double pre = x[0][(r * T + t) * g + j] + x[1][r * g + j];
                    y[r * g + j] = j >= 2 * H && j < 3 * H ? Math.tanh(pre) : sig(pre);
                }
            }
            return y;
        }, GradCheck.randn(9, B, T, 4 * H), GradCheck.randn(10, B, 4 * H));
    }

    @Test
    void lstmCellAndHiddenGradients() {
        GradCheck.check("lstmCell", v -> RecurrentOps.lstmCell(v[0], v[1]), x -> {
            double[] c = new double[B * H];
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < H; j++) {
                    int a = r * 4 * H;
                    c[r * H + j] = x[0][a + H + j] * x[1][r * H + j] + x[0][a + j] * x[0][a + 2 * H + j];
                }
            }
            return c;
        }, GradCheck.uniform(11, -1f, 1f, B, 4 * H), GradCheck.randn(12, B, H));
        GradCheck.check("lstmHidden", v -> RecurrentOps.lstmHidden(v[0], v[1]), x -> {
            double[] h = new double[B * H];
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < H; j++) {
                    h[r * H + j] = x[0][r * 4 * H + 3 * H + j] * Math.tanh(x[1][r * H + j]);
                }
            }
            return h;
        }, GradCheck.uniform(13, 0f, 1f, B, 4 * H), GradCheck.randn(14, B, H));
    }

    /** Two LSTM steps composed as a layer composes them: act feeds both the cell and the output. */
    @Test
    void composedLstmStepsGradients() {
        GradCheck.check("lstm 2 steps", v -> {
            Var h = v[1];
            Var c = v[2];
            for (int t = 0; t < 2; t++) {
                Var act = RecurrentOps.lstmGates(v[0], t, Ops.matmul(h, v[3]));
                c = RecurrentOps.lstmCell(act, c);
                h = RecurrentOps.lstmHidden(act, c);
            }
            return Ops.add(h, c);
        }, x -> {
            double[] h = x[1].clone();
            double[] c = x[2].clone();
            int g = 4 * H;
            for (int t = 0; t < 2; t++) {
                double[] nh = new double[B * H];
                double[] nc = new double[B * H];
                for (int b = 0; b < B; b++) {
                    double[] pre = new double[g];
                    for (int j = 0; j < g; j++) {
                        pre[j] = x[0][(b * T + t) * g + j];
                        for (int k = 0; k < H; k++) {
                            pre[j] += h[b * H + k] * x[3][k * g + j];
                        }
                    }
                    for (int j = 0; j < H; j++) {
                        double i = sig(pre[j]);
                        double f = sig(pre[H + j]);
                        double gg = Math.tanh(pre[2 * H + j]);
                        double o = sig(pre[3 * H + j]);
                        nc[b * H + j] = f * c[b * H + j] + i * gg;
                        nh[b * H + j] = o * Math.tanh(nc[b * H + j]);
                    }
                }
                h = nh;
                c = nc;
            }
            double[] y = new double[B * H];
            for (int i = 0; i < y.length; i++) {
                y[i] = h[i] + c[i];
            }
            return y;
        }, GradCheck.randn(22, B, T, 4 * H), GradCheck.randn(23, B, H), GradCheck.randn(24, B, H),
                GradCheck.randn(25, H, 4 * H));
    }

    @Test
    void gruCellGradients() {
        int t = 3;
        GradCheck.check("gruCell", v -> RecurrentOps.gruCell(v[0], t, v[1], v[2]), x -> {
            int g = 3 * H;
            double[] out = new double[B * H];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < H; j++) {
                    int xo = (b * T + t) * g;
                    int ho = b * g;
                    double r = sig(x[0][xo + j] + x[1][ho + j]);
                    double z = sig(x[0][xo + H + j] + x[1][ho + H + j]);
                    double n = Math.tanh(x[0][xo + 2 * H + j] + r * x[1][ho + 2 * H + j]);
                    out[b * H + j] = (1 - z) * n + z * x[2][b * H + j];
                }
            }
            return out;
        }, GradCheck.randn(15, B, T, 3 * H), GradCheck.randn(16, B, 3 * H), GradCheck.randn(17, B, H));
    }

    @Test
    void positiveGGradients() {
        Tensor x = GradCheck.randn(18, B, T, H);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(d[i]) < 0.05f ? d[i] + 0.2f : d[i];
        }
        GradCheck.check("positiveG", v -> RecurrentOps.positiveG(v[0]),
                in -> GradCheck.map(in[0], v -> v >= 0 ? v + 0.5 : sig(v)), x);
    }

    @Test
    void stackTimeGradients() {
        GradCheck.check("stackTime", v -> RecurrentOps.stackTime(List.of(v[0], v[1], v[2])), x -> {
            double[] y = new double[B * 3 * H];
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < 3; t++) {
                    for (int j = 0; j < H; j++) {
                        y[(b * 3 + t) * H + j] = x[t][b * H + j];
                    }
                }
            }
            return y;
        }, GradCheck.randn(19, B, H), GradCheck.randn(20, B, H), GradCheck.randn(21, B, H));
    }
}
