package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.tensor.Tensor;

/**
 * Pointwise nonlinearities. Each forward writes a fresh array; each backward adds
 * {@code g · f'(x)} into the input's gradient, reusing the saved output where f' is cheaper from it.
 * Exponentials go through the vector kernels ({@link ExpMath}, {@link GeluVector}); only {@code log}
 * and softplus's {@code log1p} remain scalar.
 */
final class ActivationOps {
    private ActivationOps() {}

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float GELU_CUBIC = 0.044715f;

    /** Checked by name, so that the scalar configuration never initialises {@link GeluVector}. */
    private static final boolean VECTOR_GELU = Kernels.get().name().startsWith("vector");

    /** True when exact GELU runs on the Vector API ({@link GeluVector}). */
    static boolean vectorGelu() {
        return VECTOR_GELU;
    }

    /** Forward and derivative of one activation: {@code out[i] = f(x[i])}, {@code dx[i] += g[i] · f'(x[i])}. */
    private interface Pointwise {
        void forward(float[] x, int xo, float[] out, int n);

        void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n);
    }

    private static Var unary(Var a, Pointwise f) {
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        int n = av.size();
        float[] out = new float[n];
        f.forward(x, xo, out, n);
        return Var.op(Tensor.of(out, a.shape()), g -> {
            Tensor ga = a.gradBuffer();
            f.backward(x, xo, out, g.data(), g.offset(), ga.data(), ga.offset(), n);
        }, a);
    }

    static Var exp(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                ExpMath.exp(x, xo, out, n);
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                for (int i = 0; i < n; i++) {
                    dx[dxo + i] += g[go + i] * out[i];
                }
            }
        });
    }

    static Var log(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) Math.log(x[xo + i]);
                }
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                for (int i = 0; i < n; i++) {
                    dx[dxo + i] += g[go + i] / x[xo + i];
                }
            }
        });
    }

    static Var tanh(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                ExpMath.tanh(x, xo, out, n);
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                for (int i = 0; i < n; i++) {
                    float y = out[i];
                    dx[dxo + i] += g[go + i] * (1f - y * y);
                }
            }
        });
    }

    static Var sigmoid(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                ExpMath.sigmoid(x, xo, out, n);
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                for (int i = 0; i < n; i++) {
                    float y = out[i];
                    dx[dxo + i] += g[go + i] * y * (1f - y);
                }
            }
        });
    }

    static Var relu(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                for (int i = 0; i < n; i++) {
                    out[i] = Math.max(x[xo + i], 0f);
                }
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                for (int i = 0; i < n; i++) {
                    dx[dxo + i] += x[xo + i] > 0f ? g[go + i] : 0f;
                }
            }
        });
    }

    /**
     * Exact GELU, x · Φ(x) with Φ the normal CDF via erf (PyTorch's default {@code approximate='none'}).
     * Φ is saved for the backward, which then needs one exponential per element for φ.
     */
    static Var gelu(Var a) {
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        int n = av.size();
        float[] out = new float[n];
        // Φ is kept only for a backward pass; inference (no grad) skips the second array.
        float[] cdf = GradMode.isEnabled() && a.requiresGrad() ? new float[n] : null;
        boolean vector = VECTOR_GELU;
        if (vector) {
            GeluVector.forward(x, xo, out, cdf, n);
        } else {
            for (int i = 0; i < n; i++) {
                double v = x[xo + i];
                double phi = 0.5 * (1.0 + Erf.erf(v * INV_SQRT2));
                if (cdf != null) {
                    cdf[i] = (float) phi;
                }
                out[i] = (float) (v * phi);
            }
        }
        if (cdf == null) {
            return Var.constant(Tensor.of(out, a.shape()));
        }
        return Var.op(Tensor.of(out, a.shape()), g -> {
            Tensor ga = a.gradBuffer();
            if (vector) {
                GeluVector.backward(x, xo, cdf, g.data(), g.offset(), ga.data(), ga.offset(), n);
                return;
            }
            float[] gd = g.data();
            float[] dx = ga.data();
            for (int i = 0; i < n; i++) {
                double v = x[xo + i];
                double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
                dx[ga.offset() + i] += (float) (gd[g.offset() + i] * (cdf[i] + v * pdf));
            }
        }, a);
    }

    /** GELU with the tanh approximation (PyTorch {@code approximate='tanh'}, GPT-2). */
    static Var geluTanh(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                float[] t = innerTanh(x, xo, n);
                for (int i = 0; i < n; i++) {
                    out[i] = 0.5f * x[xo + i] * (1f + t[i]);
                }
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                float[] t = innerTanh(x, xo, n);
                for (int i = 0; i < n; i++) {
                    float v = x[xo + i];
                    float inner = SQRT_2_OVER_PI * (1f + 3f * GELU_CUBIC * v * v);
                    dx[dxo + i] += g[go + i] * (0.5f * (1f + t[i]) + 0.5f * v * (1f - t[i] * t[i]) * inner);
                }
            }
        });
    }

    /** tanh(√(2/π)·(x + 0.044715·x³)) for every element. */
    private static float[] innerTanh(float[] x, int xo, int n) {
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            u[i] = SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v);
        }
        float[] t = new float[n];
        ExpMath.tanh(u, 0, t, n);
        return t;
    }

    /** x · σ(x) (swish). */
    static Var silu(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                ExpMath.sigmoid(x, xo, out, n);
                for (int i = 0; i < n; i++) {
                    out[i] *= x[xo + i];
                }
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                float[] sig = new float[n];
                ExpMath.sigmoid(x, xo, sig, n);
                for (int i = 0; i < n; i++) {
                    float v = x[xo + i];
                    dx[dxo + i] += g[go + i] * sig[i] * (1f + v * (1f - sig[i]));
                }
            }
        });
    }

    /** log(1 + e^x), as max(x, 0) + log1p(e^-|x|) so that large |x| neither overflows nor loses digits. */
    static Var softplus(Var a) {
        return unary(a, new Pointwise() {
            public void forward(float[] x, int xo, float[] out, int n) {
                ExpMath.softplus(x, xo, out, n);
            }

            public void backward(float[] x, int xo, float[] out, float[] g, int go, float[] dx, int dxo, int n) {
                float[] sig = new float[n];
                ExpMath.sigmoid(x, xo, sig, n);
                for (int i = 0; i < n; i++) {
                    dx[dxo + i] += g[go + i] * sig[i];
                }
            }
        });
    }
}
