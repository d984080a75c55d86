package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ConvOpsTest {

    /** The textbook seven-loop convolution. */
    private static double[] conv2dRef(double[] x, double[] w, double[] b, int n, int c, int h, int wd,
                                      int o, int kh, int kw, int stride, int pad) {
        int ho = (h + 2 * pad - kh) / stride + 1;
        int wo = (wd + 2 * pad - kw) / stride + 1;
        double[] y = new double[n * o * ho * wo];
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double s = b == null ? 0 : b[oc];
                        for (int ci = 0; ci < c; ci++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int iy = oy * stride - pad + ki;
                                    int ix = ox * stride - pad + kj;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += w[((oc * c + ci) * kh + ki) * kw + kj] * x[((img * c + ci) * h + iy) * wd + ix];
                                    }
                                }
                            }
                        }
                        y[((img * o + oc) * ho + oy) * wo + ox] = s;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void conv2dGradientsWithStrideAndPadding() {
        Tensor x = randn(101, 2, 2, 5, 4);
        Tensor w = randn(102, 3, 2, 3, 2);
        Tensor b = randn(103, 3);
        int[][] configs = {{1, 0}, {1, 1}, {2, 1}};
        for (int[] sp : configs) {
            int stride = sp[0];
            int pad = sp[1];
            GradCheck.check("conv2d s" + stride + " p" + pad, v -> Ops.conv2d(v[0], v[1], v[2], stride, pad),
                    a -> conv2dRef(a[0], a[1], a[2], 2, 2, 5, 4, 3, 3, 2, stride, pad), x, w, b);
        }
        GradCheck.check("conv2d no bias", v -> Ops.conv2d(v[0], v[1], null, 1, 1),
                a -> conv2dRef(a[0], a[1], null, 2, 2, 5, 4, 3, 3, 2, 1, 1), x, w);
        assertArrayEquals(new int[] {2, 3, 3, 3}, Ops.conv2d(Var.constant(x), Var.constant(w), null, 2, 1).shape());
    }

    @Test
    void conv2dParallelChunksAgreeWithOneThread() {
        Tensor x = randn(108, 64, 3, 12, 12);
        Tensor w = randn(109, 16, 3, 3, 3);
        Tensor b = randn(110, 16);
        Tensor seed = randn(111, 64, 16, 12, 12);
        float[][] one = convGrads(1, x, w, b, seed);
        float[][] two = convGrads(2, x, w, b, seed);
        for (int i = 0; i < one.length; i++) {
            for (int j = 0; j < one[i].length; j++) {
                assertEquals(one[i][j], two[i][j], 1e-4 * (1 + Math.abs(one[i][j])), "tensor " + i + " element " + j);
            }
        }
    }

    private static float[][] convGrads(int threads, Tensor x, Tensor w, Tensor b, Tensor seed) {
        int saved = dev.joule.kernel.Parallel.threads();
        dev.joule.kernel.Parallel.setThreads(threads);
        try {
            Var xv = Var.param(x.copy());
            Var wv = Var.param(w.copy());
            Var bv = Var.param(b.copy());
            Var y = Ops.conv2d(xv, wv, bv, 1, 1);
            y.backward(seed);
            return new float[][] {y.value().toArray(), xv.grad().toArray(), wv.grad().toArray(), bv.grad().toArray()};
        } finally {
            dev.joule.kernel.Parallel.setThreads(saved);
        }
    }

    @Test
    void conv2dChannelMismatchNamesShapes() {
        Var x = Var.constant(Tensor.zeros(1, 3, 4, 4));
        Var w = Var.constant(Tensor.zeros(2, 1, 3, 3));
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.conv2d(x, w, null, 1, 0));
        assertTrue(e.getMessage().contains("[2, 1, 3, 3]") && e.getMessage().contains("[1, 3, 4, 4]"), e.getMessage());
    }

    @Test
    void maxPoolGradientsAndValues() {
        Tensor x = randn(104, 2, 2, 5, 6);
        GradCheck.check("maxPool2d", v -> Ops.maxPool2d(v[0], 2, 2), a -> {
            double[] y = new double[2 * 2 * 2 * 3];
            for (int pl = 0; pl < 4; pl++) {
                for (int oy = 0; oy < 2; oy++) {
                    for (int ox = 0; ox < 3; ox++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                m = Math.max(m, a[0][pl * 30 + (oy * 2 + i) * 6 + ox * 2 + j]);
                            }
                        }
                        y[(pl * 2 + oy) * 3 + ox] = m;
                    }
                }
            }
            return y;
        }, x);
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        assertArrayEquals(new float[] {5, 6, 8, 9}, Ops.maxPool2d(Var.constant(t), 2, 1).value().toArray());
    }

    @Test
    void causalConv1dGradientsAndCausality() {
        int batch = 2;
        int len = 5;
        int c = 3;
        int k = 3;
        Tensor x = randn(105, batch, len, c);
        Tensor w = randn(106, c, k);
        Tensor b = randn(107, c);
        GradCheck.check("conv1dCausal", v -> Ops.conv1dCausal(v[0], v[1], v[2]), a -> {
            double[] y = new double[batch * len * c];
            for (int bt = 0; bt < batch; bt++) {
                for (int t = 0; t < len; t++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = a[2][ch];
                        for (int j = 0; j < k; j++) {
                            int ts = t - (k - 1) + j;
                            s += ts < 0 ? 0 : a[1][ch * k + j] * a[0][(bt * len + ts) * c + ch];
                        }
                        y[(bt * len + t) * c + ch] = s;
                    }
                }
            }
            return y;
        }, x, w, b);
        float[] before = Ops.conv1dCausal(Var.constant(x), Var.constant(w), null).value().toArray();
        x.set(100f, 0, 3, 1);
        float[] after = Ops.conv1dCausal(Var.constant(x), Var.constant(w), null).value().toArray();
        for (int t = 0; t < 3; t++) {
            for (int ch = 0; ch < c; ch++) {
                assertEquals(before[t * c + ch], after[t * c + ch], 0f, "time " + t + " must not see time 3");
            }
        }
    }
}
