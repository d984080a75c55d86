package dev.joule.models.rnn;

import dev.joule.models.ModelConfig;
import dev.joule.nn.LayerNorm;
import java.util.random.RandomGenerator;

/**
 * {@code rwkv} (Peng et al. 2023, RWKV-4): a stack of {@link RwkvBlock}s (time-mix with the WKV recurrence, then
 * channel-mix), width {@code d = dModel}, depth {@code layers}, channel-mix hidden {@code ffDim}, and a final
 * LayerNorm (layout: {@link BlockStackModel}).
 *
 * <p>No positional embedding (token shift and the decaying WKV sum are order-aware) and no {@code ln0} after
 * the embedding. MACs per token and block: {@code 5d² + 2df} (the WKV recurrence, mixes, gates and norms are
 * not MACs). Step state per block: {@code {ln1 last, ln2 last, a, b, p}}.
 */
public final class Rwkv extends BlockStackModel<RwkvBlock> {
    public static final String NAME = "rwkv";

    public Rwkv(ModelConfig config, RandomGenerator rng) {
        super(NAME, config, rng, i -> new RwkvBlock(config.dModel(), config.ffDim(), i, config.layers(), rng),
                LayerNorm::new);
    }
}
