package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Embedding;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.nn.RMSNorm;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * {@code mamba} (Gu and Dao 2023, Mamba-1): a stack of {@link MambaBlock}s, width {@code d = dModel}, depth
 * {@code layers}, with d_state 16, expand 2, d_conv 4.
 *
 * <pre>
 *   fashion-mnist: rows [B, 28, 28] → embed: Linear(28, d) → L blocks → norm: RMSNorm(d) → mean over T
 *                  → head: Linear(d, 10)
 *   token tasks:   ids [B, T] → tok: Embedding(V, d) → L blocks → norm → head: Linear(d, V)
 * </pre>
 *
 * No positional embedding: the conv and the scan are causal and order-aware. The classifier's step state adds
 * the running sum of normed outputs for the mean.
 */
public final class Mamba extends Module implements RecurrentModel {
    public static final String NAME = "mamba";
    public static final int D_STATE = 16;
    public static final int EXPAND = 2;
    public static final int D_CONV = 4;

    private final ModelConfig config;
    private final boolean images;
    private final Linear embed;
    private final Embedding tok;
    private final BlockStack<MambaBlock> blocks = new BlockStack<>();
    private final RMSNorm norm;
    private final Linear head;

    public Mamba(ModelConfig config, RandomGenerator rng) {
        this.config = config;
        this.images = ModelConfig.FASHION_MNIST.equals(config.task());
        int d = config.dModel();
        this.embed = images ? register("embed", new Linear(config.inputDim(), d, true, rng)) : null;
        this.tok = images ? null : register("tok", new Embedding(config.vocabSize(), d, 0.02f, rng));
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new MambaBlock(d, D_STATE, EXPAND, D_CONV, rng));
        }
        register("blocks", new Sequential(blocks.blocks()));
        this.norm = register("norm", new RMSNorm(d));
        this.head = register("head", new Linear(d, config.numClasses(), true, rng));
    }

    /** fashion-mnist: rows {@code [B, T, in]} → {@code [B, classes]}; tokens: ids {@code [B, T]} → {@code [B, T, V]}. */
    @Override
    public Var forward(Tensor input) {
        int[] s = input.shape();
        Var h;
        if (images) {
            if (s.length != 3 || s[2] != config.inputDim()) {
                throw new IllegalArgumentException(NAME + " expects rows [B, T, " + config.inputDim() + "], got "
                        + Arrays.toString(s));
            }
            h = embed.forward(Var.constant(input));
        } else {
            if (s.length != 2) {
                throw new IllegalArgumentException(NAME + " expects ids [B, T], got " + Arrays.toString(s));
            }
            h = tok.forward(input);
        }
        h = blocks.forward(h);
        h = norm.forward(h);
        return images ? head.forward(Ops.mean(h, 1, false)) : head.forward(h);
    }

    @Override
    public Var forward(Var x) {
        return forward(x.value());
    }

    /** Slots: per block {@code {conv inputs, ssm state}}; then {@code {steps [B], running sum [B, d] (classifier)}}. */
    @Override
    public RecurrentState initialState(int batch) {
        return blocks.initialState(batch, config.dModel(), images);
    }

    @Override
    public Var step(RecurrentState state, Tensor xT) {
        Var h = images ? embed.forward(Var.constant(xT)) : tok.forward(xT);
        h = blocks.step(h, state);
        return StepReadout.step(blocks.readoutSlot(state), norm.forward(h), head, images);
    }

    /**
     * One forward over T = seqLen positions: fashion-mnist {@code T·i·d + T·Σ block + d·C}; tokens
     * {@code T·(Σ block + d·V)}, where a block costs per token, with E = 2d, N = 16, R = ⌈d/16⌉, K = 4,
     * {@code 2dE + KE + E(R + 2N) + RE + 3EN + Ed} (in/conv/x/dt/scan/out; norms, gates and D are not MACs).
     */
    @Override
    public long macsPerInference() {
        return blocks.macsPerInference(config, images);
    }

    public ModelConfig config() {
        return config;
    }
}
