package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.tensor.Tensor;

/**
 * Softmax and log-softmax along an axis, fused with their backward:
 * <pre>
 *   y = softmax(x):      dx = y ⊙ (g − Σ g⊙y)
 *   y = log_softmax(x):  dx = g − softmax(x) · Σ g
 * </pre>
 * Both subtract the slice maximum first, so no exponent overflows.
 */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Var softmax(Var a, int axis) {
        return run(a, axis, false);
    }

    static Var logSoftmax(Var a, int axis) {
        return run(a, axis, true);
    }

    private static Var run(Var a, int axis, boolean log) {
        int[] shape = a.shape();
        int[] dims = OpSupport.splitAxis(shape, axis);
        int outer = dims[0];
        int n = dims[1];
        int inner = dims[2];
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        float[] y = new float[av.size()];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * n * inner + j;
                if (log) {
                    logSoftmaxRow(x, xo + base, y, base, n, inner);
                } else {
                    softmaxRow(x, xo + base, y, base, n, inner);
                }
            }
        }
        return Var.op(Tensor.of(y, shape), g -> {
            Tensor ga = a.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    int base = o * n * inner + j;
                    if (log) {
                        logSoftmaxBackwardRow(y, base, g.data(), g.offset() + base, ga.data(), ga.offset() + base, n, inner);
                    } else {
                        softmaxBackwardRow(y, base, g.data(), g.offset() + base, ga.data(), ga.offset() + base, n, inner);
                    }
                }
            }
        }, a);
    }

    /** y[i·stride] = softmax of x[i·stride] over i in [0, n). Rows of -inf give NaN, as in PyTorch. */
    static void softmaxRow(float[] x, int xo, float[] y, int yo, int n, int stride) {
        if (stride == 1) {
            // Contiguous rows (the last axis) use the vector kernels: one exp pass, one scale pass.
            Kernels kern = Kernels.get();
            float max = kern.max(x, xo, n);
            System.arraycopy(x, xo, y, yo, n);
            float sum = kern.expShiftInPlace(y, yo, n, max);
            kern.scale(1f / sum, y, yo, y, yo, n);
            return;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[xo + i * stride]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xo + i * stride] - max);
            y[yo + i * stride] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            y[yo + i * stride] *= inv;
        }
    }

    private static void logSoftmaxRow(float[] x, int xo, float[] y, int yo, int n, int stride) {
        if (stride == 1) {
            Kernels kern = Kernels.get();
            float max = kern.max(x, xo, n);
            System.arraycopy(x, xo, y, yo, n);
            float logSum = (float) Math.log(kern.expShiftInPlace(y, yo, n, max));
            for (int i = 0; i < n; i++) {
                y[yo + i] = (x[xo + i] - max) - logSum;
            }
            return;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[xo + i * stride]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[xo + i * stride] - max);
        }
        // (x − max) − log Σ keeps the digits that max + log Σ would round away for large logits.
        float logSum = (float) Math.log(sum);
        for (int i = 0; i < n; i++) {
            y[yo + i * stride] = (x[xo + i * stride] - max) - logSum;
        }
    }

    /** dx += y ⊙ (g − Σ g⊙y) over one slice. */
    static void softmaxBackwardRow(float[] y, int yo, float[] g, int go, float[] dx, int dxo, int n, int stride) {
        float dot = 0f;
        for (int i = 0; i < n; i++) {
            dot += g[go + i * stride] * y[yo + i * stride];
        }
        for (int i = 0; i < n; i++) {
            dx[dxo + i * stride] += y[yo + i * stride] * (g[go + i * stride] - dot);
        }
    }

    private static void logSoftmaxBackwardRow(float[] y, int yo, float[] g, int go, float[] dx, int dxo, int n, int stride) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += g[go + i * stride];
        }
        if (stride == 1) {
            float[] p = new float[n];
            System.arraycopy(y, yo, p, 0, n);
            Kernels.get().expShiftInPlace(p, 0, n, 0f);
            for (int i = 0; i < n; i++) {
                dx[dxo + i] += g[go + i] - p[i] * sum;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            dx[dxo + i * stride] += g[go + i * stride] - (float) Math.exp(y[yo + i * stride]) * sum;
        }
    }
}
