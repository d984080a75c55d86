package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * The RWKV-5 ("Eagle", Peng et al. 2024) WKV recurrence: per head a matrix state {@code S [N × N]} (row = key
 * channel i, column = value channel j), per key channel a decay {@code w_i = exp(−exp(θ_i))} ∈ (0, 1) and a bonus
 * {@code u_i} for the current token:
 *
 * <pre>
 *   y_t = r_t · (diag(u) k_tᵀ v_t + S_{t−1})          y_t[j] = (Σ_i r_i u_i k_i) v_j + Σ_i r_i S[i][j]
 *   S_t = diag(w) S_{t−1} + k_tᵀ v_t                 S_{−1} = 0
 * </pre>
 *
 * <p><b>Form.</b> The training form is the sequential recurrence, one position at a time per (batch row, head),
 * with the (batch row, head) pairs in parallel; each position is one fused pass over S (read row i, add
 * {@code r_i S[i][·]} to y, write {@code w_i S[i][·] + k_i v}), 2N² multiply-adds, in kernels on the Vector API
 * ({@link Wkv5Rows}). A chunked form would turn the within-chunk part into small matrix products, but at the head
 * sizes Joule uses (N = 16–64) the sequential pass over an L1-resident state does the same MACs without extra
 * passes; it also never forms a cumulative decay product, so there is no range to watch: every factor applied to
 * S is one {@code w_i} ≤ 1. The step form ({@link #step}) runs the very same per-position code, so
 * step and training forms agree to the last bit.
 *
 * <p><b>Backward</b> (hand-written). With {@code D_t = ∂ℓ/∂S_t} ({@code D_{T−1} = 0}) and {@code c = g_t·v_t}:
 * <pre>
 *   ∂r_i = Σ_j g_j S_{t−1}[i][j] + u_i k_i c        ∂k_i = Σ_j D_t[i][j] v_j + u_i r_i c
 *   ∂v_j = Σ_i D_t[i][j] k_i + (Σ_i r_i u_i k_i) g_j    ∂u_i += r_i k_i c
 *   ∂w_i += Σ_j D_t[i][j] S_{t−1}[i][j]
 *   D_{t−1} = diag(w) D_t + r_tᵀ g_t                  ∂θ_i = ∂w_i · (−exp(θ_i) w_i)
 * </pre>
 * S_{t−1} is needed going backwards; the forward keeps S at the start of every {@link #CHUNK}-position chunk
 * ({@code T/CHUNK · N²} floats per pair instead of {@code T · N²}) and the backward recomputes the chunk's states
 * from it (one extra forward pass, never a division by w).
 */
public final class Wkv5Ops {
    /** Positions between saved states: the backward holds {@code CHUNK} states of N² floats per thread. */
    static final int CHUNK = 16;

    private Wkv5Ops() {}

    /**
     * {@code r, k, v [B, T, H, N]}, {@code decay θ [H, N]} (w = exp(−exp(θ))), {@code bonus u [H, N]} →
     * {@code y [B, T, H, N]}.
     */
    public static Var wkv5(Var r, Var k, Var v, Var decay, Var bonus) {
        int[] s = r.shape();
        if (s.length != 4 || !Arrays.equals(k.shape(), s) || !Arrays.equals(v.shape(), s)
                || !Arrays.equals(decay.shape(), new int[] {s[2], s[3]})
                || !Arrays.equals(bonus.shape(), new int[] {s[2], s[3]})) {
            throw new ShapeException("wkv5: r, k, v must be [B, T, H, N] and decay, bonus [H, N], got r "
                    + OpSupport.str(s) + ", k " + OpSupport.str(k.shape()) + ", v " + OpSupport.str(v.shape())
                    + ", decay " + OpSupport.str(decay.shape()) + ", bonus " + OpSupport.str(bonus.shape()));
        }
        Shape4 g = new Shape4(s[0], s[1], s[2], s[3]);
        float[] rv = ScanOps.dense(r.value());
        float[] kv = ScanOps.dense(k.value());
        float[] vv = ScanOps.dense(v.value());
        float[] theta = ScanOps.dense(decay.value());
        float[] w = decays(theta);
        float[] u = ScanOps.dense(bonus.value());
        float[] y = new float[rv.length];
        int chunks = (g.time + CHUNK - 1) / CHUNK;
        int nn = g.n * g.n;
        boolean keep = OpSupport.needsGrad(r, k, v, decay, bonus);
        float[] saved = keep ? new float[g.batch * g.heads * chunks * nn] : null;
        Parallel.parallelFor(g.batch * g.heads, 1, (from, to) -> {
            float[] state = new float[nn];
            for (int p = from; p < to; p++) {
                Arrays.fill(state, 0f);
                int h = p % g.heads;
                for (int t = 0; t < g.time; t++) {
                    if (keep && t % CHUNK == 0) {
                        System.arraycopy(state, 0, saved, (p * chunks + t / CHUNK) * nn, nn);
                    }
                    int at = g.at(p / g.heads, t, h);
                    position(rv, kv, vv, at, w, u, h * g.n, state, g.n, y);
                }
            }
        });
        OpCounter.record(2L * rv.length * g.n, 0, 16L * rv.length);
        return Var.op(Tensor.of(y, s), grad -> new Wkv5Backward(g, rv, kv, vv, theta, w, u, saved, chunks)
                .run(ScanOps.dense(grad), r, k, v, decay, bonus), OpSupport.present(r, k, v, decay, bonus));
    }

    /**
     * One recurrent step, no gradient: {@code r, k, v [B, H·N]} (one position), {@code decay, bonus [H, N]}, the
     * state {@code S [B, H, N, N]} (start: zeros) advanced in place. Returns {@code y [B, H·N]}, equal to position
     * t of {@link #wkv5} when S holds positions 0..t−1.
     */
    public static Tensor step(Tensor r, Tensor k, Tensor v, Tensor decay, Tensor bonus, Tensor state) {
        int[] hn = decay.shape();
        if (hn.length != 2) {
            throw new ShapeException("wkv5 step: decay must be [H, N], got " + OpSupport.str(hn));
        }
        int heads = hn[0];
        int n = hn[1];
        int[] s = r.shape();
        if (s.length != 2 || s[1] != heads * n || !Arrays.equals(k.shape(), s) || !Arrays.equals(v.shape(), s)) {
            throw new ShapeException("wkv5 step: r, k, v must be [B, " + heads * n + "] for decay [" + heads + ", " + n
                    + "], got r " + OpSupport.str(s) + ", k " + OpSupport.str(k.shape()) + ", v "
                    + OpSupport.str(v.shape()));
        }
        int batch = s[0];
        OpSupport.requireShape("wkv5 step", "bonus", bonus.shape(), heads, n);
        OpSupport.requireShape("wkv5 step", "state", state.shape(), batch, heads, n, n);
        float[] rv = ScanOps.dense(r);
        float[] kv = ScanOps.dense(k);
        float[] vv = ScanOps.dense(v);
        float[] w = decays(ScanOps.dense(decay));
        float[] u = ScanOps.dense(bonus);
        float[] y = new float[batch * heads * n];
        float[] sv = state.data();
        int nn = n * n;
        float[] one = new float[nn];
        for (int p = 0; p < batch * heads; p++) {
            int at = state.offset() + p * nn;
            System.arraycopy(sv, at, one, 0, nn);
            position(rv, kv, vv, p * n, w, u, (p % heads) * n, one, n, y);
            System.arraycopy(one, 0, sv, at, nn);
        }
        OpCounter.record(2L * y.length * n, 0, 8L * batch * heads * nn);
        return Tensor.of(y, s);
    }

    /** {@code w = exp(−exp(θ))}, computed the same way by both forms. */
    private static float[] decays(float[] theta) {
        float[] w = new float[theta.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.exp(-Math.exp(theta[i]));
        }
        return w;
    }

    /**
     * One position of one head: {@code r, k, v} rows at {@code at}, decay and bonus of the head at {@code hw};
     * writes {@code y[at..at+n)} and advances {@code s} (N × N, row = key channel) in place.
     */
    static void position(float[] r, float[] k, float[] v, int at, float[] w, float[] u, int hw, float[] s, int n,
            float[] y) {
        float bonus = 0f;
        for (int i = 0; i < n; i++) {
            bonus += r[at + i] * u[hw + i] * k[at + i];
        }
        for (int j = 0; j < n; j++) {
            y[at + j] = bonus * v[at + j];
        }
        Wkv5Rows.get().forward(s, 0, r, k, v, y, at, w, hw, n);
    }

    /** {@code [B, T, H, N]} indexing: row (b, t, h) starts at {@link #at}. */
    record Shape4(int batch, int time, int heads, int n) {
        int at(int b, int t, int h) {
            return ((b * time + t) * heads + h) * n;
        }
    }
}
