package dev.joule.autograd;

import dev.joule.kernel.Kernels;

/**
 * Exponential-based activations computed in two passes: one {@link Kernels#expShiftInPlace} call over
 * the whole array (vectorised by the kernels), then a plain loop that C2 can vectorise. A scalar
 * {@code Math.exp} per element costs tens of nanoseconds; this keeps the activations memory-bound.
 */
final class ExpMath {
    private ExpMath() {}

    /** dst[i] = exp(src[so + i]). */
    static void exp(float[] src, int so, float[] dst, int n) {
        System.arraycopy(src, so, dst, 0, n);
        Kernels.get().expShiftInPlace(dst, 0, n, 0f);
    }

    /** exp(−|x|) ∈ (0, 1]: the overflow-free ingredient of sigmoid and tanh. */
    private static float[] expNegAbs(float[] x, int xo, int n, float factor) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = -factor * Math.abs(x[xo + i]);
        }
        Kernels.get().expShiftInPlace(t, 0, n, 0f);
        return t;
    }

    /** out[i] = σ(x[i]) = 1/(1 + e^−x), from t = e^−|x| so neither sign overflows. */
    static void sigmoid(float[] x, int xo, float[] out, int n) {
        float[] t = expNegAbs(x, xo, n, 1f);
        for (int i = 0; i < n; i++) {
            float inv = 1f / (1f + t[i]);
            out[i] = x[xo + i] >= 0f ? inv : t[i] * inv;
        }
    }

    /**
     * out[i] = tanh(x[i]) = sign(x)·(1 − t)/(1 + t) with t = e^−2|x|. Below |x| = 0.1, where 1 − t
     * would cancel, a five-term series is used instead (next term below 1e-13).
     */
    static void tanh(float[] x, int xo, float[] out, int n) {
        float[] t = expNegAbs(x, xo, n, 2f);
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            float a = Math.abs(v);
            float r;
            if (a < 0.1f) {
                float v2 = v * v;
                r = v * (1f + v2 * (-1f / 3f + v2 * (2f / 15f + v2 * (-17f / 315f + v2 * (62f / 2835f)))));
            } else {
                r = Math.copySign((1f - t[i]) / (1f + t[i]), v);
            }
            out[i] = r;
        }
    }

    /** out[i] = log(1 + e^x) = max(x, 0) + log1p(e^−|x|). */
    static void softplus(float[] x, int xo, float[] out, int n) {
        float[] t = expNegAbs(x, xo, n, 1f);
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(x[xo + i], 0f) + (float) Math.log1p(t[i]);
        }
    }
}
