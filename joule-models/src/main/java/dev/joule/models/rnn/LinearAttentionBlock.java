package dev.joule.models.rnn;

import dev.joule.autograd.LinearAttentionOps;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Activation;
import dev.joule.nn.Dropout;
import dev.joule.nn.FeedForward;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A pre-norm block with causal linear attention in place of softmax attention:
 *
 * <pre>
 *   x = x + drop(out(linAttn(q(ln1 x), k(ln1 x), v(ln1 x))))       φ = elu + 1, H heads of dh = d/H
 *   x = x + drop(ff(ln2 x))                                          ff: d → f → d, GELU
 * </pre>
 *
 * The step form carries, per head, {@code S [dh, dh]} and {@code z [dh]}: {@code H·(dh² + dh)} floats.
 */
final class LinearAttentionBlock extends Module implements StackBlock {
    private final int dModel;
    private final int heads;
    private final LayerNorm ln1;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final LayerNorm ln2;
    private final FeedForward ff;
    private final Dropout drop;

    LinearAttentionBlock(int dModel, int heads, int ffDim, float dropout, RandomGenerator rng) {
        if (heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("linear attention width " + dModel + " must split evenly into "
                    + heads + " heads; choose heads dividing d");
        }
        this.dModel = dModel;
        this.heads = heads;
        this.ln1 = register("ln1", new LayerNorm(dModel));
        this.q = register("q", new Linear(dModel, dModel, true, rng));
        this.k = register("k", new Linear(dModel, dModel, true, rng));
        this.v = register("v", new Linear(dModel, dModel, true, rng));
        this.out = register("out", new Linear(dModel, dModel, true, rng));
        this.ln2 = register("ln2", new LayerNorm(dModel));
        this.ff = register("ff", new FeedForward(dModel, ffDim, Activation.Kind.GELU, rng));
        this.drop = register("drop", new Dropout(dropout, rng));
    }

    /** {@code x [B, T, d]} → {@code [B, T, d]}, causal. */
    @Override
    public Var forward(Var x) {
        Var n = ln1.forward(x);
        Var a = LinearAttentionOps.causal(q.forward(n), k.forward(n), v.forward(n), heads);
        Var h = Ops.add(x, drop.forward(out.forward(a)));
        return Ops.add(h, drop.forward(ff.forward(ln2.forward(h))));
    }

    /** {@code x [B, d]} → {@code [B, d]}; advances {@code state = {S [B, H, dh, dh], z [B, H, dh]}} in place. */
    @Override
    public Var step(Var x, Tensor[] state) {
        Var n = ln1.forward(x);
        Tensor a = LinearAttentionOps.step(q.forward(n).value(), k.forward(n).value(), v.forward(n).value(), heads,
                state[0], state[1]);
        Var h = Ops.add(x, out.forward(Var.constant(a)));
        return Ops.add(h, ff.forward(ln2.forward(h)));
    }

    @Override
    public Tensor[] initialState(int batch) {
        int dh = dModel / heads;
        return new Tensor[] {Tensor.zeros(batch, heads, dh, dh), Tensor.zeros(batch, heads, dh)};
    }

    /** Per token: q/k/v/out {@code 4d²}, feed-forward {@code 2·d·f}, attention core {@code 2·d·dh + d}. */
    @Override
    public long macsPerToken(ModelConfig config) {
        return macsPerToken(config.ffDim());
    }

    private long macsPerToken(int ffDim) {
        long d = dModel;
        long dh = d / heads;
        return 4 * d * d + 2 * d * ffDim + 2 * d * dh + d;
    }
}
