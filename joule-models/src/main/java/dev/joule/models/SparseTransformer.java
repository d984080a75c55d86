package dev.joule.models;

import dev.joule.autograd.BlockSparseLayout;
import dev.joule.nn.BlockSparseAttention;
import dev.joule.nn.Model;
import java.util.random.RandomGenerator;

/**
 * {@code sparse-transformer}: the Transformer with block-sparse attention after Child et al. 2019 ("Generating
 * Long Sequences with Sparse Transformers", the fixed pattern). The model shells, blocks, projections,
 * initialisation and parameter names are the dense ones ({@link TransformerClassifier} for
 * {@code fashion-mnist}, {@link CharTransformer} for token tasks); only the attention kernel differs
 * ({@link BlockSparseAttention} over {@link dev.joule.autograd.Ops#blockSparseAttentionHeads}), and it computes
 * the listed blocks only, never a dense product with a mask.
 *
 * <p>The pattern (positions cut into blocks; query block i sees key block j when {@code |i − j| < window} or
 * j is a summary block, {@code j mod stride == stride − 1}; causal models keep {@code j ≤ i} and cut the
 * diagonal block at the query):
 * <ul>
 *   <li>{@code fashion-mnist}, bidirectional over the 28 row tokens: blocks of {@value #IMAGE_BLOCK} rows
 *       (7 blocks), window {@value #IMAGE_WINDOW} (the own block and its neighbours), stride
 *       {@value #IMAGE_STRIDE} (summary block 3, rows 12–15). 23 of the 49 block pairs (density 0.47); two
 *       layers reach every row through the summary block.</li>
 *   <li>token tasks, causal over {@code seqLen} (default 128): blocks of {@value #TOKEN_BLOCK}, window
 *       {@value #TOKEN_WINDOW} (the own block and the previous one: the last 17–32 tokens), stride
 *       {@link BlockSparseAttention#sqrtStride} ≈ √(seqLen/16), at least 2 (3 at 128: summaries at blocks
 *       2 and 5). At 128 tokens 20 of the 36 causal block pairs; the share falls as O(1/√T) with longer
 *       contexts.</li>
 * </ul>
 * These knobs are derived constants: {@link ModelConfig} stays unchanged (it is stored in checkpoints).
 *
 * <p>MACs per inference are the dense shells' formulas with the attention term replaced by the listed
 * blocks' work: per layer {@code H·macsPerHead} = {@code 2·d·Σ m·w} over the listed (query block of m rows,
 * key block of w keys) pairs ({@link BlockSparseLayout#macsPerHead}, the diagonal block counted whole as the
 * kernel computes it). For the Fashion-MNIST default (d 64, 2 layers) that is 2·2·64·23·16 = 94,208 MACs
 * of attention against the dense 200,704.
 *
 * <p>Step decoding for token tasks reuses the dense model's key/value cache; each step reads only the
 * cached keys of its listed blocks ({@link BlockSparseAttention#stepKeyRanges}), so it still keeps the
 * whole prefix in memory (a fixed pattern's summary blocks reach back to the start).
 */
public final class SparseTransformer {
    static final int IMAGE_BLOCK = 4;
    static final int IMAGE_WINDOW = 2;
    static final int IMAGE_STRIDE = 4;
    static final int TOKEN_BLOCK = 16;
    static final int TOKEN_WINDOW = 2;

    private SparseTransformer() {}

    /** A freshly initialised {@code sparse-transformer} for {@code cfg}'s task. */
    public static Model create(ModelConfig cfg, RandomGenerator rng) {
        BlockSparseAttention attention = attention(cfg);
        return ModelConfig.FASHION_MNIST.equals(cfg.task())
                ? new TransformerClassifier(cfg, rng, attention)
                : new CharTransformer(cfg, rng, attention);
    }

    /** The attention kernel (pattern) the model uses for {@code cfg}'s task and context. */
    public static BlockSparseAttention attention(ModelConfig cfg) {
        if (ModelConfig.FASHION_MNIST.equals(cfg.task())) {
            return new BlockSparseAttention(IMAGE_BLOCK, IMAGE_WINDOW, IMAGE_STRIDE, false);
        }
        return new BlockSparseAttention(TOKEN_BLOCK, TOKEN_WINDOW,
                BlockSparseAttention.sqrtStride(cfg.seqLen(), TOKEN_BLOCK), true);
    }
}
