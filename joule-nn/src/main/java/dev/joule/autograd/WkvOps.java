package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * The RWKV-4 "WKV" time-mixing recurrence (Peng et al. 2023), per channel c, with decay {@code λ = exp(w_c)} and
 * bonus {@code u_c}:
 *
 * <pre>
 *   y_t = (Σ_{i&lt;t} e^{−(t−1−i)λ + k_i} v_i + e^{u + k_t} v_t) / (Σ_{i&lt;t} e^{−(t−1−i)λ + k_i} + e^{u + k_t})
 * </pre>
 *
 * Forward runs the recurrence on a state {@code (a, b, p)}: numerator and denominator of the past, both scaled by
 * {@code e^{−p}}, where {@code p} is the running maximum exponent, so no exponential overflows. The step form
 * ({@link #step}) is the same code one position at a time, so step and parallel forms agree to rounding.
 *
 * <p>Backward (hand-written, O(T) per channel) keeps y and log D_t (the full denominator) from the forward. With
 * {@code g̃_t = g_t / D_t} and {@code r = e^{−λ}}, reverse scans accumulate {@code G_i = Σ_{t>i} r^{t−1−i} g̃_t},
 * {@code H_i = Σ_{t>i} r^{t−1−i} g̃_t y_t} and their λ-derivatives {@code G'_i = r(G'_{i+1} + G_{i+1})}; then
 * {@code ∂v_i = e^{u+k_i} g̃_i + e^{k_i} G_i}, {@code ∂k_i = e^{u+k_i} g̃_i (v_i − y_i) + e^{k_i}(v_i G_i − H_i)},
 * {@code ∂u = Σ e^{u+k_t} g̃_t (v_t − y_t)}, {@code ∂w = −λ Σ e^{k_i}(v_i G'_i − H'_i)}. The backward works in
 * double without the max shift, which is exact while |k|, |u| and log D stay below ~700 (far beyond any trained
 * model's range). Every (batch row, channel) pair is independent and runs in parallel.
 */
public final class WkvOps {
    /** The "minus infinity" starting exponent of an empty state; {@code exp(P0 − q)} is exactly 0. */
    public static final float P0 = -1e38f;

    private WkvOps() {}

    /** {@code k, v [B, T, C]}, {@code w, u [C]} (log decay rate and bonus) → {@code y [B, T, C]}. */
    public static Var wkv(Var k, Var v, Var w, Var u) {
        int[] s = k.shape();
        if (s.length != 3 || !Arrays.equals(v.shape(), s) || !Arrays.equals(w.shape(), new int[] {s[2]})
                || !Arrays.equals(u.shape(), new int[] {s[2]})) {
            throw new ShapeException("wkv: k, v must be [B, T, C] and w, u [C], got k " + OpSupport.str(s) + ", v "
                    + OpSupport.str(v.shape()) + ", w " + OpSupport.str(w.shape()) + ", u "
                    + OpSupport.str(u.shape()));
        }
        int batch = s[0];
        int time = s[1];
        int ch = s[2];
        float[] kv = ScanOps.dense(k.value());
        float[] vv = ScanOps.dense(v.value());
        float[] wv = ScanOps.dense(w.value());
        float[] uv = ScanOps.dense(u.value());
        float[] y = new float[batch * time * ch];
        float[] logDen = new float[y.length];
        Parallel.parallelFor(batch * ch, 8, (from, to) -> {
            float[] abp = new float[3];
            for (int p = from; p < to; p++) {
                int b = p / ch;
                int c = p % ch;
                float decay = -(float) Math.exp(wv[c]);
                abp[0] = 0;
                abp[1] = 0;
                abp[2] = P0;
                for (int t = 0; t < time; t++) {
                    int i = (b * time + t) * ch + c;
                    logDen[i] = stepChannel(kv[i], vv[i], decay, uv[c], abp, y, i);
                }
            }
        });
        return Var.op(Tensor.of(y, s), g -> {
            float[] gy = ScanOps.dense(g);
            float[] gk = new float[y.length];
            float[] gv = new float[y.length];
            float[] gwPart = new float[batch * ch];
            float[] guPart = new float[batch * ch];
            Parallel.parallelFor(batch * ch, 8, (from, to) -> {
                for (int p = from; p < to; p++) {
                    backwardChannel(kv, vv, wv, uv, y, logDen, gy, gk, gv, gwPart, guPart, p / ch, p % ch, time, ch);
                }
            });
            if (OpSupport.wants(k)) {
                OpSupport.addInto(k, gk, 0);
            }
            if (OpSupport.wants(v)) {
                OpSupport.addInto(v, gv, 0);
            }
            if (OpSupport.wants(w)) {
                OpSupport.addInto(w, sumOverBatch(gwPart, batch, ch), 0);
            }
            if (OpSupport.wants(u)) {
                OpSupport.addInto(u, sumOverBatch(guPart, batch, ch), 0);
            }
        }, OpSupport.present(k, v, w, u));
    }

    /**
     * One position of one channel: writes y at {@code out[at]}, advances {@code abp = (a, b, p)}; returns
     * log D_t, the log of the full denominator (past plus the bonus term).
     */
    private static float stepChannel(float k, float v, float decay, float u, float[] abp, float[] out, int at) {
        float a = abp[0];
        float b = abp[1];
        float p = abp[2];
        float ww = u + k;
        float q = Math.max(p, ww);
        float e1 = (float) Math.exp(p - q);
        float e2 = (float) Math.exp(ww - q);
        float den = e1 * b + e2;
        out[at] = (e1 * a + e2 * v) / den;
        float logDen = q + (float) Math.log(den);
        ww = p + decay;
        q = Math.max(ww, k);
        e1 = (float) Math.exp(ww - q);
        e2 = (float) Math.exp(k - q);
        abp[0] = e1 * a + e2 * v;
        abp[1] = e1 * b + e2;
        abp[2] = q;
        return logDen;
    }

    private static void backwardChannel(float[] k, float[] v, float[] w, float[] u, float[] y, float[] logDen,
            float[] gy, float[] gk, float[] gv, float[] gwPart, float[] guPart, int b, int c, int time, int ch) {
        double lambda = Math.exp(w[c]);
        double r = Math.exp(-lambda);
        double bigG = 0;
        double bigH = 0;
        double dG = 0;
        double dH = 0;
        double gu = 0;
        double gw = 0;
        for (int t = time - 1; t >= 0; t--) {
            int i = (b * time + t) * ch + c;
            if (t < time - 1) {
                int n = i + ch;
                double gn = gy[n] * Math.exp(-(double) logDen[n]);
                dG = r * (dG + bigG);
                dH = r * (dH + bigH);
                bigG = gn + r * bigG;
                bigH = gn * y[n] + r * bigH;
            }
            double gt = gy[i] * Math.exp(-(double) logDen[i]);
            double ek = Math.exp(k[i]);
            double beta = Math.exp(u[c] + (double) k[i]);
            double own = beta * gt * (v[i] - y[i]);
            gv[i] = (float) (beta * gt + ek * bigG);
            gk[i] = (float) (own + ek * (v[i] * bigG - bigH));
            gu += own;
            gw -= ek * (v[i] * dG - dH);
        }
        guPart[b * ch + c] = (float) gu;
        gwPart[b * ch + c] = (float) (gw * lambda);
    }

    private static float[] sumOverBatch(float[] part, int batch, int ch) {
        float[] out = new float[ch];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < ch; c++) {
                out[c] += part[b * ch + c];
            }
        }
        return out;
    }

    /**
     * One recurrent step, no gradient: {@code k, v [B, C]}, {@code w, u [C]}; the state {@code a, b, p [B, C]}
     * (start: 0, 0, {@link #P0}) is advanced in place. Returns {@code y [B, C]}, equal to position t of
     * {@link #wkv} when the state holds positions 0..t−1.
     */
    public static Tensor step(Tensor k, Tensor v, Tensor w, Tensor u, Tensor a, Tensor b, Tensor p) {
        int[] s = k.shape();
        if (s.length != 2 || !Arrays.equals(v.shape(), s)) {
            throw new ShapeException("wkv step: k, v must be [B, C], got k " + OpSupport.str(s) + ", v "
                    + OpSupport.str(v.shape()));
        }
        int batch = s[0];
        int ch = s[1];
        OpSupport.requireShape("wkv step", "w", w.shape(), ch);
        OpSupport.requireShape("wkv step", "u", u.shape(), ch);
        OpSupport.requireShape("wkv step", "a", a.shape(), batch, ch);
        OpSupport.requireShape("wkv step", "b", b.shape(), batch, ch);
        OpSupport.requireShape("wkv step", "p", p.shape(), batch, ch);
        float[] kv = ScanOps.dense(k);
        float[] vv = ScanOps.dense(v);
        float[] wv = ScanOps.dense(w);
        float[] uv = ScanOps.dense(u);
        float[] out = new float[batch * ch];
        float[] abp = new float[3];
        for (int bi = 0; bi < batch; bi++) {
            for (int c = 0; c < ch; c++) {
                int i = bi * ch + c;
                abp[0] = a.data()[a.offset() + i];
                abp[1] = b.data()[b.offset() + i];
                abp[2] = p.data()[p.offset() + i];
                stepChannel(kv[i], vv[i], -(float) Math.exp(wv[c]), uv[c], abp, out, i);
                a.data()[a.offset() + i] = abp[0];
                b.data()[b.offset() + i] = abp[1];
                p.data()[p.offset() + i] = abp[2];
            }
        }
        return Tensor.of(out, s);
    }
}
