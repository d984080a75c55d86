package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import java.util.random.RandomGenerator;

/**
 * A pre-norm Transformer block (GPT-2 / {@code norm_first=True}) over {@code x [B, T, d]}:
 *
 * <pre>
 *   x = x + drop(attn(ln1(x)))
 *   x = x + drop(ff(ln2(x)))
 * </pre>
 */
public final class TransformerBlock extends Module {
    private final LayerNorm ln1;
    private final MultiHeadAttention attn;
    private final LayerNorm ln2;
    private final FeedForward ff;
    private final Dropout drop;

    /** PyTorch default initialisation for every Linear. */
    public TransformerBlock(int dModel, int heads, int ffDim, boolean causal, Activation.Kind activation,
            float dropout, RandomGenerator rng) {
        this(new MultiHeadAttention(dModel, heads, causal, rng), new FeedForward(dModel, ffDim, activation, rng),
                dModel, dropout, rng);
    }

    public TransformerBlock(MultiHeadAttention attn, FeedForward ff, int dModel, float dropout, RandomGenerator rng) {
        this.ln1 = register("ln1", new LayerNorm(dModel));
        this.attn = register("attn", attn);
        this.ln2 = register("ln2", new LayerNorm(dModel));
        this.ff = register("ff", ff);
        this.drop = register("drop", new Dropout(dropout, rng));
    }

    @Override
    public Var forward(Var x) {
        Var h = Ops.add(x, drop.forward(attn.forward(ln1.forward(x))));
        return Ops.add(h, drop.forward(ff.forward(ln2.forward(h))));
    }

    /** One decoding step {@code x [B, d]} → {@code [B, d]}, attention over {@code cache} (see {@link KvCache#step}). */
    public Var step(Var x, KvCache cache) {
        Var h = Ops.add(x, drop.forward(cache.step(attn, ln1.forward(x))));
        return Ops.add(h, drop.forward(ff.forward(ln2.forward(h))));
    }
}
