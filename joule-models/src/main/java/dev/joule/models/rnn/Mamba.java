package dev.joule.models.rnn;

import dev.joule.models.ModelConfig;
import dev.joule.nn.RMSNorm;
import java.util.random.RandomGenerator;

/**
 * {@code mamba} (Gu and Dao 2023, Mamba-1): a stack of {@link MambaBlock}s, width {@code d = dModel}, depth
 * {@code layers}, with d_state 16, expand 2, d_conv 4, and a final RMSNorm (layout: {@link BlockStackModel}).
 * No positional embedding: the conv and the scan are causal and order-aware.
 *
 * <p>MACs per token and block, with E = 2d, N = 16, R = ⌈d/16⌉, K = 4:
 * {@code 2dE + KE + E(R + 2N) + RE + 3EN + Ed} (in/conv/x/dt/scan/out; norms, gates and D are not MACs).
 * Step state per block: {@code {conv inputs, ssm state}}.
 */
public final class Mamba extends BlockStackModel<MambaBlock> {
    public static final String NAME = "mamba";
    public static final int D_STATE = 16;
    public static final int EXPAND = 2;
    public static final int D_CONV = 4;

    public Mamba(ModelConfig config, RandomGenerator rng) {
        super(NAME, config, rng, i -> new MambaBlock(config.dModel(), D_STATE, EXPAND, D_CONV, rng), RMSNorm::new);
    }
}
