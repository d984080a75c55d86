package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Embedding;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * {@code rwkv} (Peng et al. 2023, RWKV-4): a stack of {@link RwkvBlock}s (time-mix with the WKV recurrence, then
 * channel-mix), width {@code d = dModel}, depth {@code layers}, channel-mix hidden {@code ffDim}.
 *
 * <pre>
 *   fashion-mnist: rows [B, 28, 28] → embed: Linear(28, d) → L blocks → norm: LayerNorm(d) → mean over T
 *                  → head: Linear(d, 10)
 *   token tasks:   ids [B, T] → tok: Embedding(V, d) → L blocks → norm → head: Linear(d, V)
 * </pre>
 *
 * No positional embedding (token shift and the decaying WKV sum are order-aware) and no {@code ln0} after the
 * embedding. Everything is causal, so the classifier's step state only adds the running sum for the mean.
 */
public final class Rwkv extends Module implements RecurrentModel {
    public static final String NAME = "rwkv";

    private final ModelConfig config;
    private final boolean images;
    private final Linear embed;
    private final Embedding tok;
    private final BlockStack<RwkvBlock> blocks = new BlockStack<>();
    private final LayerNorm norm;
    private final Linear head;

    public Rwkv(ModelConfig config, RandomGenerator rng) {
        this.config = config;
        this.images = ModelConfig.FASHION_MNIST.equals(config.task());
        int d = config.dModel();
        this.embed = images ? register("embed", new Linear(config.inputDim(), d, true, rng)) : null;
        this.tok = images ? null : register("tok", new Embedding(config.vocabSize(), d, 0.02f, rng));
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new RwkvBlock(d, config.ffDim(), i, config.layers(), rng));
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

    /** Slots: per block {@code {ln1 last, ln2 last, a, b, p}}; then {@code {steps [B], running sum [B, d] (classifier)}}. */
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
     * One forward over T = seqLen positions: fashion-mnist {@code T·i·d + T·L·(5d² + 2df) + d·C}; tokens
     * {@code T·(L·(5d² + 2df) + d·V)} (the WKV recurrence, mixes, gates and norms are not MACs).
     */
    @Override
    public long macsPerInference() {
        return blocks.macsPerInference(config, images);
    }

    public ModelConfig config() {
        return config;
    }
}
