package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.autograd.WkvOps;
import dev.joule.models.ModelConfig;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One RWKV-4 block (Peng et al. 2023), pre-LayerNorm, width d, channel-mix hidden f:
 *
 * <pre>
 *   time-mix:    n = ln1 x;  s = shift(n) (n_{t−1}, 0 at t = 0);  mix(μ) = s + μ ⊙ (n − s)
 *                x = x + out(σ(rec(mix μr)) ⊙ WKV(key(mix μk), value(mix μv), w, u))
 *   channel-mix: n = ln2 x;  s = shift(n)
 *                x = x + σ(rec2(mix μr2)) ⊙ value2(relu(key2(mix μk2))²)        key2: d → f, value2: f → d
 * </pre>
 *
 * All projections are bias-free. Parameters: {@code 5d² + 2·d·f + 11d}. The step state per stream is
 * {@code {last ln1 output, last ln2 output, WKV a, b, p}}, each {@code [B, d]}: 5d floats.
 */
final class RwkvBlock extends Module implements StackBlock {
    private final int dModel;
    private final LayerNorm ln1;
    private final Var mixK;
    private final Var mixV;
    private final Var mixR;
    private final Var decay;
    private final Var bonus;
    private final Linear key;
    private final Linear value;
    private final Linear rec;
    private final Linear out;
    private final LayerNorm ln2;
    private final Var mixK2;
    private final Var mixR2;
    private final Linear key2;
    private final Linear value2;
    private final Linear rec2;

    /** {@code layer} of {@code layers} sets the RWKV-4 initial mixes and decays (deeper layers mix less of the past). */
    RwkvBlock(int dModel, int ffDim, int layer, int layers, RandomGenerator rng) {
        this.dModel = dModel;
        double ratio01 = layers > 1 ? (double) layer / (layers - 1) : 0;
        double ratio1to0 = 1 - (double) layer / layers;
        float[] mk = new float[dModel];
        float[] mv = new float[dModel];
        float[] mr = new float[dModel];
        float[] w = new float[dModel];
        float[] u = new float[dModel];
        for (int j = 0; j < dModel; j++) {
            double frac = (double) j / dModel;
            mk[j] = (float) Math.pow(frac, ratio1to0);
            mv[j] = (float) (Math.pow(frac, ratio1to0) + 0.3 * ratio01);
            mr[j] = (float) Math.pow(frac, 0.5 * ratio1to0);
            double span = dModel > 1 ? (double) j / (dModel - 1) : 0;
            w[j] = (float) (-5 + 8 * Math.pow(span, 0.7 + 1.3 * ratio01));
            u[j] = (float) (Math.log(0.3) + 0.5 * (((j + 1) % 3) - 1));
        }
        this.ln1 = register("ln1", new LayerNorm(dModel));
        this.mixK = param("mixK", Tensor.of(mk, dModel));
        this.mixV = param("mixV", Tensor.of(mv, dModel));
        this.mixR = param("mixR", Tensor.of(mr, dModel));
        this.decay = param("decay", Tensor.of(w, dModel));
        this.bonus = param("bonus", Tensor.of(u, dModel));
        this.key = register("key", new Linear(dModel, dModel, false, rng));
        this.value = register("value", new Linear(dModel, dModel, false, rng));
        this.rec = register("rec", new Linear(dModel, dModel, false, rng));
        this.out = register("out", new Linear(dModel, dModel, false, rng));
        this.ln2 = register("ln2", new LayerNorm(dModel));
        this.mixK2 = param("mixK2", Tensor.of(mk.clone(), dModel));
        this.mixR2 = param("mixR2", Tensor.of(mk.clone(), dModel));
        this.key2 = register("key2", new Linear(dModel, ffDim, false, rng));
        this.value2 = register("value2", new Linear(ffDim, dModel, false, rng));
        this.rec2 = register("rec2", new Linear(dModel, dModel, false, rng));
    }

    /** {@code x [B, T, d]} → {@code [B, T, d]}, causal. */
    @Override
    public Var forward(Var x) {
        Var n = ln1.forward(x);
        Var s = shift(n);
        Var wkv = WkvOps.wkv(key.forward(mix(n, s, mixK)), value.forward(mix(n, s, mixV)), decay, bonus);
        Var h = Ops.add(x, out.forward(Ops.mul(Ops.sigmoid(rec.forward(mix(n, s, mixR))), wkv)));
        Var n2 = ln2.forward(h);
        return Ops.add(h, channelMix(n2, shift(n2)));
    }

    /** {@code x [B, d]} → {@code [B, d]}; advances {@code state} (see {@link #initialState}) in place. */
    @Override
    public Var step(Var x, Tensor[] state) {
        Var n = ln1.forward(x);
        Var s = Var.constant(state[0]);
        Tensor wkv = WkvOps.step(key.forward(mix(n, s, mixK)).value(), value.forward(mix(n, s, mixV)).value(),
                decay.value(), bonus.value(), state[2], state[3], state[4]);
        state[0] = n.value().copy();
        Var h = Ops.add(x, out.forward(Ops.mul(Ops.sigmoid(rec.forward(mix(n, s, mixR))), Var.constant(wkv))));
        Var n2 = ln2.forward(h);
        Var y = Ops.add(h, channelMix(n2, Var.constant(state[1])));
        state[1] = n2.value().copy();
        return y;
    }

    /** {@code {last ln1 output, last ln2 output, a, b, p}}: zeros, with p at {@link WkvOps#P0} (empty past). */
    @Override
    public Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, dModel), Tensor.zeros(batch, dModel), Tensor.zeros(batch, dModel),
            Tensor.zeros(batch, dModel), Tensor.full(WkvOps.P0, batch, dModel)};
    }

    private Var channelMix(Var n, Var s) {
        Var k = Ops.square(Ops.relu(key2.forward(mix(n, s, mixK2))));
        return Ops.mul(Ops.sigmoid(rec2.forward(mix(n, s, mixR2))), value2.forward(k));
    }

    /** {@code s + μ ⊙ (n − s)}: per channel, μ of the current token and 1 − μ of the previous. */
    private static Var mix(Var n, Var s, Var mu) {
        return Ops.add(s, Ops.mul(mu, Ops.sub(n, s)));
    }

    /** Token shift over T of {@code [B, T, d]}: position t gets t − 1, position 0 gets zeros. */
    private Var shift(Var n) {
        int[] sh = n.shape();
        Var zeros = Var.constant(Tensor.zeros(sh[0], 1, sh[2]));
        if (sh[1] == 1) {
            return zeros;
        }
        return Ops.concat(List.of(zeros, Ops.slice(n, 1, 0, sh[1] - 1)), 1);
    }

    /** Per token: key/value/rec/out {@code 4d²}, rec2 {@code d²}, key2/value2 {@code 2·d·f}; WKV and gates aren't MACs. */
    @Override
    public long macsPerToken(ModelConfig config) {
        return macsPerToken(config.ffDim());
    }

    private long macsPerToken(int ffDim) {
        long d = dModel;
        return 5 * d * d + 2 * d * ffDim;
    }
}
