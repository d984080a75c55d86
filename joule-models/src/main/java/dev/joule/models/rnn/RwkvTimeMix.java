package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.autograd.Wkv5Ops;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * RWKV-5 time-mix (Peng et al. 2024, "Eagle"; {@code RWKV-v5/src/model.py}, {@code RWKV_TimeMix_RWKV5}), width d in
 * H heads of size N = d/H, on the normed input n and its token shift s:
 *
 * <pre>
 *   mix(μ) = s + μ ⊙ (n − s)
 *   r = rec(mix μr), k = key(mix μk), v = value(mix μv), g = silu(gate(mix μg))        all d → d, no bias
 *   y = WKV5(r, k, v; decay θ [H, N], bonus u [H, N])                   {@link Ops#wkv5}, {@link Wkv5Ops}
 *   out = out(GroupNorm_H(y) ⊙ g)        GroupNorm: per head over its N channels, eps 64e-5, affine per channel
 * </pre>
 *
 * Initialisation follows RWKV-5: with ℓ = layer/(L−1) and ρ = 1 − layer/L, {@code μk = (c/d)^ρ},
 * {@code μv = μk + 0.3ℓ}, {@code μr = μg = (c/d)^{ρ/2}}, {@code θ_c = −6 + 5(c/(d−1))^{0.7+1.3ℓ}}
 * (slow decays in the first channels, fast in the last), {@code u_c = ℓ(1 − c/(d−1)) + 0.1·((c+1) mod 3 − 1)};
 * GroupNorm weight 1, bias 0; projections use {@link Linear}'s default init. Parameters: {@code 5d² + 8d}.
 */
final class RwkvTimeMix extends Module {
    /** GroupNorm epsilon of RWKV-5 ({@code 1e-5 · head_size_divisor²}, divisor 8). */
    static final float GROUP_NORM_EPS = 64e-5f;

    private final int heads;
    private final int headSize;
    private final Var mixK;
    private final Var mixV;
    private final Var mixR;
    private final Var mixG;
    private final Var decay;
    private final Var bonus;
    private final Linear rec;
    private final Linear key;
    private final Linear value;
    private final Linear gate;
    private final Var normWeight;
    private final Var normBias;
    private final Linear out;

    RwkvTimeMix(int dModel, int heads, int layer, int layers, RandomGenerator rng) {
        this.heads = heads;
        this.headSize = dModel / heads;
        double ratio01 = layers > 1 ? (double) layer / (layers - 1) : 0;
        double ratio1to0 = 1 - (double) layer / layers;
        float[] mk = new float[dModel];
        float[] mv = new float[dModel];
        float[] mr = new float[dModel];
        float[] theta = new float[dModel];
        float[] u = new float[dModel];
        for (int c = 0; c < dModel; c++) {
            double frac = (double) c / dModel;
            double span = dModel > 1 ? (double) c / (dModel - 1) : 0;
            mk[c] = (float) Math.pow(frac, ratio1to0);
            mv[c] = (float) (Math.pow(frac, ratio1to0) + 0.3 * ratio01);
            mr[c] = (float) Math.pow(frac, 0.5 * ratio1to0);
            theta[c] = (float) (-6 + 5 * Math.pow(span, 0.7 + 1.3 * ratio01));
            u[c] = (float) (ratio01 * (1 - span) + 0.1 * (((c + 1) % 3) - 1));
        }
        this.mixK = param("mixK", Tensor.of(mk, dModel));
        this.mixV = param("mixV", Tensor.of(mv, dModel));
        this.mixR = param("mixR", Tensor.of(mr, dModel));
        this.mixG = param("mixG", Tensor.of(mr.clone(), dModel));
        this.decay = param("decay", Tensor.of(theta, heads, headSize));
        this.bonus = param("bonus", Tensor.of(u, heads, headSize));
        this.rec = register("rec", new Linear(dModel, dModel, false, rng));
        this.key = register("key", new Linear(dModel, dModel, false, rng));
        this.value = register("value", new Linear(dModel, dModel, false, rng));
        this.gate = register("gate", new Linear(dModel, dModel, false, rng));
        this.normWeight = param("normWeight", Tensor.full(1f, dModel));
        this.normBias = param("normBias", Tensor.zeros(dModel));
        this.out = register("out", new Linear(dModel, dModel, false, rng));
    }

    /** {@code n [B, T, d]} (the normed input) → {@code [B, T, d]}, causal. */
    @Override
    public Var forward(Var n) {
        Var s = RwkvBlock.shift(n);
        int[] sh = n.shape();
        int[] heads4 = {sh[0], sh[1], heads, headSize};
        Var y = Ops.wkv5(Ops.reshape(rec.forward(RwkvBlock.mix(n, s, mixR)), heads4),
                Ops.reshape(key.forward(RwkvBlock.mix(n, s, mixK)), heads4),
                Ops.reshape(value.forward(RwkvBlock.mix(n, s, mixV)), heads4), decay, bonus);
        return output(y, n, s);
    }

    /** {@code n, s [B, d]} (one position); advances {@code wkvState [B, H, N, N]} in place → {@code [B, d]}. */
    Var step(Var n, Var s, Tensor wkvState) {
        int[] sh = n.shape();
        Tensor y = Wkv5Ops.step(rec.forward(RwkvBlock.mix(n, s, mixR)).value(),
                key.forward(RwkvBlock.mix(n, s, mixK)).value(), value.forward(RwkvBlock.mix(n, s, mixV)).value(),
                decay.value(), bonus.value(), wkvState);
        return output(Ops.reshape(Var.constant(y), sh[0], heads, headSize), n, s);
    }

    /** The zero WKV state of {@code batch} streams: {@code [B, H, N, N]}, i.e. {@code d·N} floats per stream. */
    Tensor initialState(int batch) {
        return Tensor.zeros(batch, heads, headSize, headSize);
    }

    /** {@code y [..., H, N]} → per-head norm, affine, gate, output projection → {@code [..., d]} like n. */
    private Var output(Var y, Var n, Var s) {
        Var normed = Ops.reshape(Ops.layerNorm(y, null, null, GROUP_NORM_EPS), n.shape());
        Var affine = Ops.add(Ops.mul(normed, normWeight), normBias);
        Var g = Ops.silu(gate.forward(RwkvBlock.mix(n, s, mixG)));
        return out.forward(Ops.mul(affine, g));
    }

    int headSize() {
        return headSize;
    }
}
