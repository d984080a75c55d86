package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;

/**
 * The backward of {@link Wkv5Ops#wkv5} (equations there): per (batch row, head), chunks from last to first;
 * each chunk's states S_{t−1} are recomputed from the state the forward saved at its start, then the positions
 * run backwards carrying {@code D = ∂ℓ/∂S}. Pairs run in parallel; decay and bonus gradients are summed per
 * pair in double, then over the batch.
 */
final class Wkv5Backward {
    private final Wkv5Ops.Shape4 g;
    private final float[] r;
    private final float[] k;
    private final float[] v;
    private final float[] theta;
    private final float[] w;
    private final float[] u;
    private final float[] saved;
    private final int chunks;

    Wkv5Backward(Wkv5Ops.Shape4 g, float[] r, float[] k, float[] v, float[] theta, float[] w, float[] u,
            float[] saved, int chunks) {
        this.g = g;
        this.r = r;
        this.k = k;
        this.v = v;
        this.theta = theta;
        this.w = w;
        this.u = u;
        this.saved = saved;
        this.chunks = chunks;
    }

    void run(float[] gy, Var rVar, Var kVar, Var vVar, Var decayVar, Var bonusVar) {
        int pairs = g.batch() * g.heads();
        int n = g.n();
        float[] gr = new float[r.length];
        float[] gk = new float[r.length];
        float[] gv = new float[r.length];
        double[] gwPart = new double[pairs * n];
        double[] guPart = new double[pairs * n];
        Parallel.parallelFor(pairs, 1, (from, to) -> {
            float[] d = new float[n * n];
            float[] states = new float[Wkv5Ops.CHUNK * n * n];
            float[] gwTile = new float[n * n];
            for (int p = from; p < to; p++) {
                pair(p, gy, gr, gk, gv, gwPart, guPart, d, states, gwTile);
            }
        });
        OpCounter.record(6L * r.length * n, 0, 40L * r.length);
        if (OpSupport.wants(rVar)) {
            OpSupport.addInto(rVar, gr, 0);
        }
        if (OpSupport.wants(kVar)) {
            OpSupport.addInto(kVar, gk, 0);
        }
        if (OpSupport.wants(vVar)) {
            OpSupport.addInto(vVar, gv, 0);
        }
        if (OpSupport.wants(decayVar)) {
            float[] gTheta = sumOverBatch(gwPart);
            for (int i = 0; i < gTheta.length; i++) {
                gTheta[i] *= (float) (-Math.exp(theta[i]) * w[i]);
            }
            OpSupport.addInto(decayVar, gTheta, 0);
        }
        if (OpSupport.wants(bonusVar)) {
            OpSupport.addInto(bonusVar, sumOverBatch(guPart), 0);
        }
    }

    private void pair(int p, float[] gy, float[] gr, float[] gk, float[] gv, double[] gwPart, double[] guPart,
            float[] d, float[] states, float[] gwTile) {
        int n = g.n();
        int nn = n * n;
        int b = p / g.heads();
        int h = p % g.heads();
        int hw = h * n;
        java.util.Arrays.fill(d, 0f);
        java.util.Arrays.fill(gwTile, 0f);
        for (int c = chunks - 1; c >= 0; c--) {
            int t0 = c * Wkv5Ops.CHUNK;
            int t1 = Math.min(g.time(), t0 + Wkv5Ops.CHUNK);
            System.arraycopy(saved, (p * chunks + c) * nn, states, 0, nn);
            for (int t = t0; t + 1 < t1; t++) {
                advance(states, (t - t0) * nn, (t + 1 - t0) * nn, g.at(b, t, h), hw, n);
            }
            for (int t = t1 - 1; t >= t0; t--) {
                position(gy, g.at(b, t, h), hw, n, states, (t - t0) * nn, d, gr, gk, gv, guPart,
                        p * n, gwTile);
            }
        }
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += gwTile[i * n + j];
            }
            gwPart[p * n + i] = sum;
        }
    }

    /** {@code states[to] = diag(w) states[from] + k_tᵀ v_t}. */
    private void advance(float[] states, int from, int to, int at, int hw, int n) {
        Wkv5Rows.get().advance(states, from, to, k, v, at, w, hw, n);
    }

    /**
     * One position backwards: gradients of r, k, v at {@code at}, decay and bonus sums of the pair at
     * {@code part}; adds the decay terms to {@code gwTile}; turns {@code d} from D_t into D_{t−1}.
     */
    private void position(float[] gy, int at, int hw, int n, float[] states, int sp, float[] d, float[] gr,
            float[] gk, float[] gv, double[] guPart, int part, float[] gwTile) {
        float gv0 = 0f;
        float bonus = 0f;
        for (int j = 0; j < n; j++) {
            gv0 += gy[at + j] * v[at + j];
        }
        for (int i = 0; i < n; i++) {
            float ri = r[at + i];
            float ki = k[at + i];
            float ui = u[hw + i];
            bonus += ri * ui * ki;
            gr[at + i] = ui * ki * gv0;
            gk[at + i] = ui * ri * gv0;
            guPart[part + i] += (double) ri * ki * gv0;
        }
        for (int j = 0; j < n; j++) {
            gv[at + j] = bonus * gy[at + j];
        }
        Wkv5Rows.get().backward(states, sp, d, r, k, v, gy, at, w, hw, gr, gk, gv, gwTile, n);
    }

    private float[] sumOverBatch(double[] part) {
        int hn = g.heads() * g.n();
        double[] sum = new double[hn];
        for (int b = 0; b < g.batch(); b++) {
            for (int i = 0; i < hn; i++) {
                sum[i] += part[b * hn + i];
            }
        }
        float[] out = new float[hn];
        for (int i = 0; i < hn; i++) {
            out[i] = (float) sum[i];
        }
        return out;
    }
}
