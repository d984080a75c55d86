package dev.joule.models;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Activation;
import dev.joule.nn.AttentionKernel;
import dev.joule.nn.Dropout;
import dev.joule.nn.Embedding;
import dev.joule.nn.FeedForward;
import dev.joule.nn.Init;
import dev.joule.nn.KvCache;
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
 * A causal decoder-only Transformer language model (GPT-2 shape, untied head):
 *
 * <pre>
 *   ids [B, T] → tok: Embedding(V, d) + pos[0..T) → drop → L pre-norm causal blocks → norm: LayerNorm(d)
 *              → head: Linear(d, V)                                                   logits [B, T, V]
 * </pre>
 *
 * Initialised as nanoGPT: every Linear weight, the embedding and the positions from N(0, 0.02²), biases zero,
 * and the two projections that write into the residual stream ({@code attn.out}, {@code ff.down}) from
 * N(0, (0.02/√(2L))²) so the residual's variance does not grow with depth.
 *
 * <p>Generation steps one token at a time with a key/value cache ({@link #initialState}, {@link #step}): each
 * step appends one position per layer and attends over the cached prefix, so step t costs O(t) attention work
 * and the cache holds {@code 2·L·t·d} floats; at {@code seqLen} positions the cache is full (the position
 * embeddings end there) and {@link StreamingSampler} re-encodes a shorter window.
 */
public final class CharTransformer extends Module implements StepModel<TransformerCache> {
    private static final float STD = 0.02f;

    private final ModelConfig config;
    private final AttentionKernel attention;
    private final Embedding tok;
    private final Var pos;
    private final Dropout drop;
    private final Sequential blocks;
    private final List<TransformerBlock> blockList;
    private final LayerNorm norm;
    private final Linear head;

    public CharTransformer(ModelConfig config, RandomGenerator rng) {
        this(config, rng, AttentionKernel.dense(true));
    }

    /**
     * The same language model whose blocks mix tokens with {@code attention}, which must be causal (e.g.
     * block-sparse); the dense constructor draws the same weights from the same seed.
     */
    public CharTransformer(ModelConfig config, RandomGenerator rng, AttentionKernel attention) {
        if (!attention.causal()) {
            throw new IllegalArgumentException("a language model needs causal attention, got " + attention);
        }
        this.config = config;
        this.attention = attention;
        int d = config.dModel();
        int vocab = config.vocabSize();
        this.tok = register("tok", new Embedding(vocab, d, STD, rng));
        this.pos = param("pos", Init.normal(rng, STD, config.seqLen(), d));
        this.drop = register("drop", new Dropout(config.dropout(), rng));
        float residualStd = (float) (STD / Math.sqrt(2.0 * config.layers()));
        List<TransformerBlock> list = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            MultiHeadAttention attn = new MultiHeadAttention(d, config.heads(), attention,
                    Linear.normal(d, d, true, STD, rng), Linear.normal(d, d, true, STD, rng),
                    Linear.normal(d, d, true, STD, rng), Linear.normal(d, d, true, residualStd, rng));
            FeedForward ff = new FeedForward(Linear.normal(d, config.ffDim(), true, STD, rng), Activation.Kind.GELU,
                    Linear.normal(config.ffDim(), d, true, residualStd, rng));
            list.add(new TransformerBlock(attn, ff, d, config.dropout(), rng));
        }
        this.blocks = register("blocks", new Sequential(list));
        this.blockList = List.copyOf(list);
        this.norm = register("norm", new LayerNorm(d));
        this.head = register("head", Linear.normal(d, vocab, true, STD, rng));
    }

    /** {@code ids [B, T]} (token ids as floats, T ≤ seqLen) → logits {@code [B, T, V]}. */
    @Override
    public Var forward(Tensor ids) {
        int[] s = ids.shape();
        if (s.length != 2 || s[1] < 1 || s[1] > config.seqLen()) {
            throw new IllegalArgumentException("char transformer expects ids [B, T] with 1 <= T <= "
                    + config.seqLen() + ", got " + java.util.Arrays.toString(s));
        }
        int time = s[1];
        Var positions = time == config.seqLen() ? pos : Ops.slice(pos, 0, 0, time);
        Var h = drop.forward(Ops.add(tok.forward(ids), positions));
        return head.forward(norm.forward(blocks.forward(h)));
    }

    @Override
    public Var forward(Var ids) {
        return forward(ids.value());
    }

    /**
     * One forward over a full context of T = seqLen tokens, width d, L layers, feed-forward f, vocabulary V:
     * {@code T·(L·(4·d² + 2·d·f) + d·V) + L·A} — projections, feed-forward and head per token, plus the
     * attention A = H·{@link AttentionKernel#macsPerHead}: {@code T·(T+1)·d} when dense, where token t scores
     * and mixes t+1 keys and values. The embedding lookup is free.
     */
    @Override
    public long macsPerInference() {
        long t = config.seqLen();
        long d = config.dModel();
        long perToken = config.layers() * (4 * d * d + 2 * d * config.ffDim()) + d * config.vocabSize();
        long mix = config.heads() * attention.macsPerHead(config.seqLen(), config.dModel() / config.heads());
        return t * perToken + config.layers() * mix;
    }

    /** An empty key/value cache for {@code batch} streams, preallocated for {@code seqLen} positions per layer. */
    @Override
    public TransformerCache initialState(int batch) {
        int dh = config.dModel() / config.heads();
        List<KvCache> layers = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new KvCache(batch, config.heads(), config.seqLen(), dh));
        }
        return new TransformerCache(batch, config.seqLen(), layers);
    }

    /**
     * Next-token logits {@code [B, V]} after token ids {@code xT [B]} at position {@code state.length()}, attending
     * over the cached prefix; equals row {@code state.length()} of {@link #forward} on the whole text.
     *
     * @throws IllegalStateException when the cache already holds {@code seqLen} positions
     */
    @Override
    public Var step(TransformerCache state, Tensor xT) {
        int t = state.length();
        if (t >= config.seqLen()) {
            throw new IllegalStateException("transformer context is full: the cache holds " + t + " of " + config.seqLen()
                    + " positions; start a new cache with a shorter window (StreamingSampler does) or stop");
        }
        if (xT.rank() != 1 || xT.dim(0) != state.batch()) {
            throw new IllegalArgumentException("char transformer step expects ids [" + state.batch() + "], got "
                    + java.util.Arrays.toString(xT.shape()));
        }
        Var h = Ops.add(tok.forward(xT), Ops.slice(pos, 0, t, t + 1));
        for (int i = 0; i < blockList.size(); i++) {
            h = blockList.get(i).step(h, state.layer(i));
        }
        state.advance();
        return head.forward(norm.forward(h));
    }

    @Override
    public TransformerCache copyState(TransformerCache state) {
        return state.copy();
    }

    public ModelConfig config() {
        return config;
    }
}
