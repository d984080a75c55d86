package dev.joule.autograd;

import dev.joule.kernel.Kernels;

/**
 * The inner loops of {@link Wkv5Ops}: one position of one head, over its N × N state (row i = key channel, column
 * j = value channel). Scalar here (the oracle); {@link Wkv5RowsVector} does the same on the Vector API when the
 * engine's vector kernels are active. Both forms of the op use the same instance, so they agree bit for bit.
 * Vectors r, k, v, g, y, ∂v of the position start at {@code at}; w of the head at {@code hw}.
 */
class Wkv5Rows {
    private static final Wkv5Rows INSTANCE = Kernels.get().name().startsWith("vector") ? new Wkv5RowsVector()
            : new Wkv5Rows();

    static Wkv5Rows get() {
        return INSTANCE;
    }

    static Wkv5Rows scalar() {
        return new Wkv5Rows();
    }

    /** {@code y += r · S;  S = diag(w) S + kᵀ v} (S at {@code s[sOff ..]}). */
    void forward(float[] s, int sOff, float[] r, float[] k, float[] v, float[] y, int at, float[] w, int hw, int n) {
        for (int i = 0; i < n; i++) {
            float ri = r[at + i];
            float wi = w[hw + i];
            float ki = k[at + i];
            int row = sOff + i * n;
            for (int j = 0; j < n; j++) {
                float sij = s[row + j];
                y[at + j] += ri * sij;
                s[row + j] = wi * sij + ki * v[at + j];
            }
        }
    }

    /** {@code S[dst] = diag(w) S[src] + kᵀ v}: the next position's state, keeping the previous one. */
    void advance(float[] s, int srcOff, int dstOff, float[] k, float[] v, int at, float[] w, int hw, int n) {
        for (int i = 0; i < n; i++) {
            float wi = w[hw + i];
            float ki = k[at + i];
            for (int j = 0; j < n; j++) {
                s[dstOff + i * n + j] = wi * s[srcOff + i * n + j] + ki * v[at + j];
            }
        }
    }

    /**
     * One reverse step with S = S_{t−1} and D = ∂ℓ/∂S_t: per row i adds {@code g·S_i} to {@code gr[at+i]},
     * {@code D_i·v} to {@code gk[at+i]}; adds {@code D ⊙ S} to the N × N tile {@code gw} (its row sums, taken once
     * per sequence, are the decay gradient: no horizontal sum per position); adds {@code Dᵀ k} to ∂v; then
     * {@code D = diag(w) D + rᵀ g} (becoming ∂ℓ/∂S_{t−1}).
     */
    void backward(float[] s, int sOff, float[] d, float[] r, float[] k, float[] v, float[] g, int at, float[] w,
            int hw, float[] gr, float[] gk, float[] gv, float[] gw, int n) {
        for (int i = 0; i < n; i++) {
            float ri = r[at + i];
            float wi = w[hw + i];
            float ki = k[at + i];
            int row = i * n;
            float dr = 0f;
            float dk = 0f;
            for (int j = 0; j < n; j++) {
                float dij = d[row + j];
                float sij = s[sOff + row + j];
                dr += g[at + j] * sij;
                dk += dij * v[at + j];
                gw[row + j] += dij * sij;
                gv[at + j] += dij * ki;
                d[row + j] = wi * dij + ri * g[at + j];
            }
            gr[at + i] += dr;
            gk[at + i] += dk;
        }
    }
}
