package dev.joule.models.rnn;

import dev.joule.models.ModelConfig;
import dev.joule.nn.LayerNorm;
import java.util.random.RandomGenerator;

/**
 * {@code rwkv} (RWKV-5 "Eagle", Peng et al. 2024): a stack of {@link RwkvBlock}s (time-mix with a matrix-valued
 * state per head, then channel-mix), width {@code d = dModel}, depth {@code layers}, channel-mix hidden
 * {@code ffDim}, {@link #heads} heads, and a final LayerNorm (layout: {@link BlockStackModel}).
 *
 * <p>No positional embedding (token shift and the decaying state are order-aware) and no {@code ln0} after the
 * embedding. MACs per token and block: {@code 6d² + 2df + 2dN} (N = d/H, the head size). Step state per block:
 * {@code 2d + d·N} floats. Checkpoints of the earlier RWKV-4 {@code rwkv} have other parameters and do not load.
 */
public final class Rwkv extends BlockStackModel<RwkvBlock> {
    public static final String NAME = "rwkv";
    /** Head size when the config gives no head count (RWKV-5's usual 64). */
    public static final int DEFAULT_HEAD_SIZE = 64;

    public Rwkv(ModelConfig config, RandomGenerator rng) {
        super(NAME, config, rng, i -> new RwkvBlock(config.dModel(), heads(config), config.ffDim(), i,
                config.layers(), rng), LayerNorm::new);
    }

    /**
     * The head count H: {@code config.heads()} when positive (the task defaults give 4: head size 16 for
     * fashion-mnist's d = 64, 32 for char-lm's d = 128), else {@code max(1, dModel / 64)}. It must divide dModel.
     */
    public static int heads(ModelConfig config) {
        int d = config.dModel();
        int h = config.heads() > 0 ? config.heads() : Math.max(1, d / DEFAULT_HEAD_SIZE);
        if (d % h != 0) {
            throw new IllegalArgumentException("rwkv: dModel " + d + " is not divisible by heads " + h
                    + "; choose a head count that divides the width (--heads)");
        }
        return h;
    }
}
