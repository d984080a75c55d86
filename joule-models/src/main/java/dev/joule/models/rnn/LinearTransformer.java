package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Dropout;
import dev.joule.nn.Embedding;
import dev.joule.nn.Init;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * {@code linear-transformer} (Katharopoulos et al. 2020): the Transformer with causal linear attention, so it
 * also runs as an RNN with a fixed state.
 *
 * <pre>
 *   fashion-mnist: rows [B, 28, 28] → embed: Linear(28, d) + pos → drop → L {@link LinearAttentionBlock}s
 *                  → norm: LayerNorm(d) → mean over T → head: Linear(d, 10)
 *   token tasks:   ids [B, T] → tok: Embedding(V, d) + pos → drop → L blocks → norm → head: Linear(d, V)
 * </pre>
 *
 * Attention is causal for both tasks (the classifier too), so a row-by-row step gives the same logits; the
 * classifier's step state adds the running sum of normed outputs for the mean. The learned positions cover
 * {@code seqLen}; a streamed text longer than that reuses the last position (beyond the trained window).
 */
public final class LinearTransformer extends Module implements RecurrentModel {
    public static final String NAME = "linear-transformer";

    private final ModelConfig config;
    private final boolean images;
    private final Linear embed;
    private final Embedding tok;
    private final Var pos;
    private final Dropout drop;
    private final BlockStack<LinearAttentionBlock> blocks = new BlockStack<>();
    private final LayerNorm norm;
    private final Linear head;

    public LinearTransformer(ModelConfig config, RandomGenerator rng) {
        this.config = config;
        this.images = ModelConfig.FASHION_MNIST.equals(config.task());
        int d = config.dModel();
        this.embed = images ? register("embed", new Linear(config.inputDim(), d, true, rng)) : null;
        this.tok = images ? null : register("tok", new Embedding(config.vocabSize(), d, 0.02f, rng));
        this.pos = param("pos", Init.normal(rng, 0.02f, config.seqLen(), d));
        this.drop = register("drop", new Dropout(config.dropout(), rng));
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new LinearAttentionBlock(d, config.heads(), config.ffDim(), config.dropout(), rng));
        }
        register("blocks", new Sequential(blocks.blocks()));
        this.norm = register("norm", new LayerNorm(d));
        this.head = register("head", new Linear(d, config.numClasses(), true, rng));
    }

    /** fashion-mnist: rows {@code [B, T, in]} → {@code [B, classes]}; tokens: ids {@code [B, T]} → {@code [B, T, V]}. */
    @Override
    public Var forward(Tensor input) {
        int[] s = input.shape();
        Var h;
        if (images) {
            if (s.length != 3 || s[1] != config.seqLen() || s[2] != config.inputDim()) {
                throw new IllegalArgumentException(NAME + " expects rows [B, " + config.seqLen() + ", "
                        + config.inputDim() + "], got " + Arrays.toString(s));
            }
            h = Ops.add(embed.forward(Var.constant(input)), pos);
        } else {
            if (s.length != 2 || s[1] < 1 || s[1] > config.seqLen()) {
                throw new IllegalArgumentException(NAME + " expects ids [B, T] with 1 <= T <= " + config.seqLen()
                        + ", got " + Arrays.toString(s));
            }
            Var positions = s[1] == config.seqLen() ? pos : Ops.slice(pos, 0, 0, s[1]);
            h = Ops.add(tok.forward(input), positions);
        }
        h = drop.forward(h);
        h = blocks.forward(h);
        h = norm.forward(h);
        return images ? head.forward(Ops.mean(h, 1, false)) : head.forward(h);
    }

    @Override
    public Var forward(Var x) {
        return forward(x.value());
    }

    /** Slots: per block {@code {S, z}}; then {@code {position [B], running sum [B, d] (classifier only)}}. */
    @Override
    public RecurrentState initialState(int batch) {
        return blocks.initialState(batch, config.dModel(), images);
    }

    @Override
    public Var step(RecurrentState state, Tensor xT) {
        Tensor[] extra = blocks.readoutSlot(state);
        int t = StepReadout.position(extra);
        int p = Math.min(t, config.seqLen() - 1);
        Var position = Ops.reshape(Ops.slice(pos, 0, p, p + 1), config.dModel());
        Var h = Ops.add(images ? embed.forward(Var.constant(xT)) : tok.forward(xT), position);
        h = blocks.step(h, state);
        return StepReadout.step(extra, norm.forward(h), head, images);
    }

    /**
     * One forward over T = seqLen positions, width d, L layers, feed-forward f, head width dh = d/H:
     * fashion-mnist {@code T·i·d + L·T·(4d² + 2d·f + 2d·dh + d) + d·C}; tokens
     * {@code T·(L·(4d² + 2d·f + 2d·dh + d) + d·V)}. The attention core per token and head is
     * {@code S += φ(k)vᵀ} (dh²), {@code φ(q)ᵀS} (dh²) and {@code φ(q)·z} (dh); norms, φ and the mean are not MACs.
     */
    @Override
    public long macsPerInference() {
        return blocks.macsPerInference(config, images);
    }

    public ModelConfig config() {
        return config;
    }
}
