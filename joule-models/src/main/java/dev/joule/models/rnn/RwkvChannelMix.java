package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * RWKV channel-mix (the same in RWKV-4 and -5), width d, hidden f, on the normed input n and its token shift s:
 * {@code out = σ(rec(mix μr)) ⊙ value(relu(key(mix μk))²)}, key d → f, value f → d, rec d → d, no biases.
 * Init: {@code μk = μr = (c/d)^{1 − layer/L}}. Parameters: {@code 2df + d² + 2d}.
 */
final class RwkvChannelMix extends Module {
    private final Var mixK;
    private final Var mixR;
    private final Linear key;
    private final Linear value;
    private final Linear rec;

    RwkvChannelMix(int dModel, int ffDim, int layer, int layers, RandomGenerator rng) {
        double ratio1to0 = 1 - (double) layer / layers;
        float[] mk = new float[dModel];
        for (int c = 0; c < dModel; c++) {
            mk[c] = (float) Math.pow((double) c / dModel, ratio1to0);
        }
        this.mixK = param("mixK", Tensor.of(mk, dModel));
        this.mixR = param("mixR", Tensor.of(mk.clone(), dModel));
        this.key = register("key", new Linear(dModel, ffDim, false, rng));
        this.value = register("value", new Linear(ffDim, dModel, false, rng));
        this.rec = register("rec", new Linear(dModel, dModel, false, rng));
    }

    /** {@code n [B, T, d]} (the normed input) → {@code [B, T, d]}, causal. */
    @Override
    public Var forward(Var n) {
        return forward(n, RwkvBlock.shift(n));
    }

    /** {@code n} and its token shift {@code s}, both {@code [B, T, d]} or one position {@code [B, d]}. */
    Var forward(Var n, Var s) {
        Var k = Ops.square(Ops.relu(key.forward(RwkvBlock.mix(n, s, mixK))));
        return Ops.mul(Ops.sigmoid(rec.forward(RwkvBlock.mix(n, s, mixR))), value.forward(k));
    }
}
