package dev.joule.models;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Activation;
import dev.joule.nn.AttentionKernel;
import dev.joule.nn.Dropout;
import dev.joule.nn.FeedForward;
import dev.joule.nn.Init;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Linear;
import dev.joule.nn.Model;
import dev.joule.nn.Module;
import dev.joule.nn.MultiHeadAttention;
import dev.joule.nn.Sequential;
import dev.joule.nn.TransformerBlock;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An encoder classifier over a sequence of feature vectors (Fashion-MNIST: 28 row tokens of 28 pixels):
 *
 * <pre>
 *   x [B, T, in] → embed: Linear(in, d) → + pos [T, d] → drop
 *                → L pre-norm blocks (bidirectional attention, GELU feed-forward)
 *                → norm: LayerNorm(d) → mean over T → head: Linear(d, classes)     logits [B, classes]
 * </pre>
 *
 * Linears use PyTorch's default init; the learned positions start from N(0, 0.02²).
 */
public final class TransformerClassifier extends Module implements Model {
    private final ModelConfig config;
    private final AttentionKernel attention;
    private final Linear embed;
    private final Var pos;
    private final Dropout drop;
    private final Sequential blocks;
    private final LayerNorm norm;
    private final Linear head;

    public TransformerClassifier(ModelConfig config, RandomGenerator rng) {
        this(config, rng, AttentionKernel.dense(false));
    }

    /**
     * The same classifier whose blocks mix tokens with {@code attention} (e.g. block-sparse); the dense
     * constructor draws the same weights from the same seed.
     */
    public TransformerClassifier(ModelConfig config, RandomGenerator rng, AttentionKernel attention) {
        this.config = config;
        this.attention = attention;
        int d = config.dModel();
        this.embed = register("embed", new Linear(config.inputDim(), d, true, rng));
        this.pos = param("pos", Init.normal(rng, 0.02f, config.seqLen(), d));
        this.drop = register("drop", new Dropout(config.dropout(), rng));
        List<TransformerBlock> list = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            list.add(new TransformerBlock(new MultiHeadAttention(d, config.heads(), attention, rng),
                    new FeedForward(d, config.ffDim(), Activation.Kind.GELU, rng), d, config.dropout(), rng));
        }
        this.blocks = register("blocks", new Sequential(list));
        this.norm = register("norm", new LayerNorm(d));
        this.head = register("head", new Linear(d, config.numClasses(), true, rng));
    }

    /** {@code input [B, T, in]} → logits {@code [B, classes]}. */
    @Override
    public Var forward(Tensor input) {
        return forward(Var.constant(input));
    }

    @Override
    public Var forward(Var x) {
        Var h = embed(x);
        for (int i = 0; i < blocks(); i++) {
            h = block(i, h);
        }
        return head(h);
    }

    /**
     * The first stage of {@link #forward(Var)}: {@code x [B, T, in]} → token states {@code [B, T, d]}.
     * The stages let a caller stop between blocks (early exit) and run only some rows further.
     */
    public Var embed(Var x) {
        int[] s = x.shape();
        if (s.length != 3 || s[1] != config.seqLen() || s[2] != config.inputDim()) {
            throw new IllegalArgumentException("transformer classifier expects input [B, " + config.seqLen() + ", "
                    + config.inputDim() + "], got " + java.util.Arrays.toString(s));
        }
        return drop.forward(Ops.add(embed.forward(x), pos));
    }

    /** The number of blocks, {@code config().layers()}. */
    public int blocks() {
        return blocks.size();
    }

    /** Block {@code i} (0-based) applied to token states {@code h [B, T, d]}. */
    public Var block(int i, Var h) {
        return blocks.get(i).forward(h);
    }

    /** The last stage: token states {@code [B, T, d]} after every block → logits {@code [B, classes]}. */
    public Var head(Var h) {
        return head.forward(Ops.mean(norm.forward(h), 1, false));
    }

    /**
     * Per sample, with T tokens, width d, L layers, feed-forward width f, input width i, C classes:
     * {@code T·i·d + L·(4·T·d² + A + 2·T·d·f) + d·C} — the embedding, the q/k/v/out projections, the
     * scores q·kᵀ and the weighted sum of values (A, from the attention kernel: {@code 2·T²·d} when dense,
     * H·{@link AttentionKernel#macsPerHead} in general), the feed-forward, and the head. Norms, softmax and
     * the activation are counted as other flops, not MACs.
     */
    @Override
    public long macsPerInference() {
        long t = config.seqLen();
        long d = config.dModel();
        long mix = config.heads() * attention.macsPerHead(config.seqLen(), config.dModel() / config.heads());
        long perLayer = 4 * t * d * d + mix + 2 * t * d * config.ffDim();
        return t * config.inputDim() * d + config.layers() * perLayer + d * config.numClasses();
    }

    public ModelConfig config() {
        return config;
    }
}
