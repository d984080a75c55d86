package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Causal linear attention (Katharopoulos et al. 2020) with the feature map {@code φ(x) = elu(x) + 1}, computed
 * by prefix sums in O(T·dh²) per head instead of O(T²·dh).
 *
 * <pre>
 *   q, k, v [B, T, H·dh]; head h owns columns [h·dh, (h+1)·dh)
 *   per (b, h):  S_t = S_{t−1} + φ(k_t) v_tᵀ   [dh, dh]      z_t = z_{t−1} + φ(k_t)   [dh]
 *                y_t = φ(q_t)ᵀ S_t / (φ(q_t)·z_t + eps)
 * </pre>
 *
 * Backward keeps only the inputs, the output and the denominators: a forward pass rebuilds S_t for
 * {@code ∂φ(q_t) = S_t g_t/den + (∂den) z_t}, then a reverse pass accumulates the adjoint of the prefix sums,
 * {@code R_t = Σ_{s≥t} φ(q_s) (g_s/den_s)ᵀ} and {@code ζ_t = Σ_{s≥t} ∂den_s φ(q_s)}, which give
 * {@code ∂φ(k_t) = R_t v_t + ζ_t} and {@code ∂v_t = R_tᵀ φ(k_t)}. The recurrent {@link #step} is the same
 * recurrence one position at a time. Every (batch row, head) pair is independent and runs in parallel.
 */
public final class LinearAttentionOps {
    /** Added to the denominator; φ > 0 keeps it positive, eps keeps it away from 0. */
    public static final float EPS = 1e-6f;

    private LinearAttentionOps() {}

    /** {@code elu(x) + 1}. */
    static float phi(float x) {
        return x > 0 ? x + 1 : (float) Math.exp(x);
    }

    /** {@code d phi / dx}. */
    static float phiGrad(float x) {
        return x > 0 ? 1 : (float) Math.exp(x);
    }

    /** Causal linear attention over {@code q, k, v [B, T, H·dh]}; returns {@code [B, T, H·dh]}. */
    public static Var causal(Var q, Var k, Var v, int heads) {
        int[] s = q.shape();
        if (s.length != 3 || !Arrays.equals(k.shape(), s) || !Arrays.equals(v.shape(), s)) {
            throw new ShapeException("linear attention: q, k, v must all be [B, T, H·dh], got q "
                    + OpSupport.str(s) + ", k " + OpSupport.str(k.shape()) + ", v " + OpSupport.str(v.shape()));
        }
        if (heads <= 0 || s[2] % heads != 0) {
            throw new ShapeException("linear attention: width " + s[2] + " must split into " + heads
                    + " heads; choose heads dividing the width");
        }
        int batch = s[0];
        int time = s[1];
        int width = s[2];
        int dh = width / heads;
        float[] qv = ScanOps.dense(q.value());
        float[] kv = ScanOps.dense(k.value());
        float[] vv = ScanOps.dense(v.value());
        float[] out = new float[batch * time * width];
        float[] den = new float[batch * time * heads];
        Parallel.parallelFor(batch * heads, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                forwardHead(qv, kv, vv, out, den, p / heads, p % heads, time, width, heads, dh);
            }
        });
        return Var.op(Tensor.of(out, s), g -> {
            float[] gy = ScanOps.dense(g);
            float[] gq = new float[out.length];
            float[] gk = new float[out.length];
            float[] gv = new float[out.length];
            Parallel.parallelFor(batch * heads, 1, (from, to) -> {
                for (int p = from; p < to; p++) {
                    backwardHead(qv, kv, vv, out, den, gy, gq, gk, gv, p / heads, p % heads, time, width, heads, dh);
                }
            });
            if (OpSupport.wants(q)) {
                OpSupport.addInto(q, gq, 0);
            }
            if (OpSupport.wants(k)) {
                OpSupport.addInto(k, gk, 0);
            }
            if (OpSupport.wants(v)) {
                OpSupport.addInto(v, gv, 0);
            }
        }, OpSupport.present(q, k, v));
    }

    private static void forwardHead(float[] q, float[] k, float[] v, float[] out, float[] den, int b, int h,
            int time, int width, int heads, int dh) {
        float[] state = new float[dh * dh];
        float[] z = new float[dh];
        float[] qf = new float[dh];
        for (int t = 0; t < time; t++) {
            int base = (b * time + t) * width + h * dh;
            den[(b * time + t) * heads + h] = stepHead(q, k, v, base, state, z, qf, out, base, dh);
        }
    }

    /**
     * One position of one head: adds φ(k)vᵀ to {@code state} and φ(k) to {@code z}, writes y at {@code outBase};
     * returns the denominator.
     */
    private static float stepHead(float[] q, float[] k, float[] v, int base, float[] state, float[] z, float[] qf,
            float[] out, int outBase, int dh) {
        for (int i = 0; i < dh; i++) {
            float kf = phi(k[base + i]);
            z[i] += kf;
            int row = i * dh;
            for (int j = 0; j < dh; j++) {
                state[row + j] += kf * v[base + j];
            }
        }
        float d = EPS;
        for (int i = 0; i < dh; i++) {
            qf[i] = phi(q[base + i]);
            d += qf[i] * z[i];
        }
        for (int j = 0; j < dh; j++) {
            out[outBase + j] = 0;
        }
        for (int i = 0; i < dh; i++) {
            float a = qf[i] / d;
            int row = i * dh;
            for (int j = 0; j < dh; j++) {
                out[outBase + j] += a * state[row + j];
            }
        }
        return d;
    }

    private static void backwardHead(float[] q, float[] k, float[] v, float[] y, float[] den, float[] gy,
            float[] gq, float[] gk, float[] gv, int b, int h, int time, int width, int heads, int dh) {
        float[] state = new float[dh * dh];
        float[] z = new float[dh];
        float[] gDen = new float[time];
        for (int t = 0; t < time; t++) {
            int base = (b * time + t) * width + h * dh;
            float d = den[(b * time + t) * heads + h];
            for (int i = 0; i < dh; i++) {
                float kf = phi(k[base + i]);
                z[i] += kf;
                int row = i * dh;
                for (int j = 0; j < dh; j++) {
                    state[row + j] += kf * v[base + j];
                }
            }
            float gd = 0;
            for (int j = 0; j < dh; j++) {
                gd -= gy[base + j] * y[base + j];
            }
            gd /= d;
            gDen[t] = gd;
            for (int i = 0; i < dh; i++) {
                int row = i * dh;
                float acc = gd * z[i];
                for (int j = 0; j < dh; j++) {
                    acc += state[row + j] * gy[base + j] / d;
                }
                gq[base + i] = acc * phiGrad(q[base + i]);
            }
        }
        float[] r = state;
        Arrays.fill(r, 0f);
        float[] zeta = z;
        Arrays.fill(zeta, 0f);
        for (int t = time - 1; t >= 0; t--) {
            int base = (b * time + t) * width + h * dh;
            float d = den[(b * time + t) * heads + h];
            for (int i = 0; i < dh; i++) {
                float qf = phi(q[base + i]);
                zeta[i] += gDen[t] * qf;
                int row = i * dh;
                float a = qf / d;
                for (int j = 0; j < dh; j++) {
                    r[row + j] += a * gy[base + j];
                }
            }
            for (int i = 0; i < dh; i++) {
                float kf = phi(k[base + i]);
                int row = i * dh;
                float acc = zeta[i];
                for (int j = 0; j < dh; j++) {
                    acc += r[row + j] * v[base + j];
                    gv[base + j] += r[row + j] * kf;
                }
                gk[base + i] = acc * phiGrad(k[base + i]);
            }
        }
    }

    /**
     * One recurrent step, no gradient: {@code q, k, v [B, H·dh]}; {@code state [B, H, dh, dh]} and
     * {@code z [B, H, dh]} are advanced in place. Returns {@code y [B, H·dh]}, equal to position t of
     * {@link #causal} when the state holds positions 0..t−1.
     */
    public static Tensor step(Tensor q, Tensor k, Tensor v, int heads, Tensor state, Tensor z) {
        int[] s = q.shape();
        if (s.length != 2 || !Arrays.equals(k.shape(), s) || !Arrays.equals(v.shape(), s) || s[1] % heads != 0) {
            throw new ShapeException("linear attention step: q, k, v must be [B, H·dh] with H = " + heads
                    + ", got q " + OpSupport.str(s) + ", k " + OpSupport.str(k.shape()) + ", v "
                    + OpSupport.str(v.shape()));
        }
        int batch = s[0];
        int width = s[1];
        int dh = width / heads;
        OpSupport.requireShape("linear attention step", "state", state.shape(), batch, heads, dh, dh);
        OpSupport.requireShape("linear attention step", "z", z.shape(), batch, heads, dh);
        float[] qv = ScanOps.dense(q);
        float[] kv = ScanOps.dense(k);
        float[] vv = ScanOps.dense(v);
        float[] out = new float[batch * width];
        float[] qf = new float[dh];
        float[] headState = new float[dh * dh];
        float[] headZ = new float[dh];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int stateOff = state.offset() + (b * heads + h) * dh * dh;
                int zOff = z.offset() + (b * heads + h) * dh;
                System.arraycopy(state.data(), stateOff, headState, 0, dh * dh);
                System.arraycopy(z.data(), zOff, headZ, 0, dh);
                int base = b * width + h * dh;
                stepHead(qv, kv, vv, base, headState, headZ, qf, out, base, dh);
                System.arraycopy(headState, 0, state.data(), stateOff, dh * dh);
                System.arraycopy(headZ, 0, z.data(), zOff, dh);
            }
        }
        return Tensor.of(out, s);
    }
}
