package dev.joule.models.rnn;

import dev.joule.models.ModelConfig;
import dev.joule.nn.RMSNorm;
import java.util.random.RandomGenerator;

/**
 * {@code mamba2} (Dao and Gu 2024, Mamba-2 / SSD): a stack of {@link Mamba2Block}s, width {@code d = dModel},
 * depth {@code layers}, and a final RMSNorm (layout: {@link BlockStackModel}). No positional embedding.
 *
 * <p>Shape choices, derived from the config (ModelConfig has no SSM fields): expand 2 (E = 2d), d_conv 4, one
 * B/C group, {@code H = heads} SSM heads of head dim {@code P = E / H} (fashion-mnist defaults d 64, 4 heads:
 * P = 32; char-lm d 128, 4 heads: P = 64), and d_state N = 16 rather than the reference's 64–128, so that the
 * state per block, {@code H·P·N = E·N}, equals Mamba-1's at the same width and the two compare at equal memory.
 * The SSD chunk is {@link dev.joule.autograd.SsdOps#DEFAULT_CHUNK}.
 *
 * <p>MACs per token and block: {@code d(2E + 2N + H) + K(E + 2N) + 3EN + Ed} (in/conv/SSD step/out; norms,
 * gates and D are not MACs). Step state per block: {@code {conv inputs, ssm state}},
 * {@code (K−1)(E + 2N) + E·N} floats per stream.
 */
public final class Mamba2 extends BlockStackModel<Mamba2Block> {
    public static final String NAME = "mamba2";
    public static final int D_STATE = 16;
    public static final int EXPAND = 2;
    public static final int D_CONV = 4;

    public Mamba2(ModelConfig config, RandomGenerator rng) {
        super(NAME, config, rng, i -> new Mamba2Block(config.dModel(), config.heads(), D_STATE, EXPAND, D_CONV, rng),
                RMSNorm::new);
    }
}
