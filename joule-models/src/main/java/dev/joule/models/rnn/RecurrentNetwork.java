package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Embedding;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The recurrent models {@code lstm}, {@code gru}, {@code mingru}, {@code minlstm}: a stack of L layers of width
 * H between an input adapter and a Linear head.
 *
 * <pre>
 *   fashion-mnist:  rows [B, 28, 28] → (min*: in = Linear(28, H)) → L layers → h_T [B, H] → head: Linear(H, 10)
 *   token tasks:    ids [B, T] → embed: Embedding(V, E) → L layers → [B, T, H] → head: Linear(H, V)   [B, T, V]
 * </pre>
 *
 * The embedding width E is {@code dModel} (128 by default for token tasks), or H when {@code dModel} is 0: the
 * PyTorch char-LSTM reference (Embedding 128, LSTM 256 × 2) has about 0.97M parameters at V ≈ 113.
 *
 * Every model also runs one step at a time ({@link RecurrentModel}) with O(L·H) state.
 */
public final class RecurrentNetwork extends Module implements RecurrentModel {
    /** The architecture names this class builds. */
    public static final List<String> NAMES = List.of("lstm", "gru", "mingru", "minlstm");

    private final ModelConfig config;
    private final boolean images;
    private final Linear in;
    private final Embedding embed;
    private final List<RecurrentLayer> layers = new ArrayList<>();
    private final Linear head;

    /** Builds {@code config.architecture()} with {@link RecurrentDefaults} applied. */
    public RecurrentNetwork(ModelConfig config, RandomGenerator rng) {
        this.config = RecurrentDefaults.resolve(config);
        String arch = this.config.architecture();
        if (!NAMES.contains(arch)) {
            throw new IllegalArgumentException("recurrent network '" + arch + "': expected one of " + NAMES);
        }
        if (this.config.layers() < 1) {
            throw new IllegalArgumentException("recurrent network '" + arch + "' needs at least 1 layer, got "
                    + this.config.layers());
        }
        this.images = ModelConfig.FASHION_MNIST.equals(this.config.task());
        int hidden = this.config.hidden();
        boolean min = arch.startsWith("min");
        this.in = images && min ? register("in", new Linear(this.config.inputDim(), hidden, true, rng)) : null;
        int embedWidth = this.config.dModel() > 0 ? this.config.dModel() : hidden;
        this.embed = images ? null : register("embed", new Embedding(this.config.vocabSize(), embedWidth, rng));
        int width = images ? (min ? hidden : this.config.inputDim()) : embedWidth;
        for (int i = 0; i < this.config.layers(); i++) {
            layers.add(layer(arch, width, hidden, rng));
            width = hidden;
        }
        register("layers", new Sequential(layers));
        this.head = register("head", new Linear(hidden, this.config.numClasses(), true, rng));
    }

    private static RecurrentLayer layer(String arch, int inputSize, int hidden, RandomGenerator rng) {
        return switch (arch) {
            case "lstm" -> new LstmLayer(inputSize, hidden, rng);
            case "gru" -> new GruLayer(inputSize, hidden, rng);
            case "mingru" -> new MinGruLayer(inputSize, hidden, rng);
            default -> new MinLstmLayer(inputSize, hidden, rng);
        };
    }

    /** fashion-mnist: rows {@code [B, T, I]} → logits {@code [B, classes]}; tokens: ids {@code [B, T]} → {@code [B, T, V]}. */
    @Override
    public Var forward(Tensor input) {
        int[] s = input.shape();
        Var x;
        if (images) {
            if (s.length != 3 || s[2] != config.inputDim()) {
                throw new IllegalArgumentException(config.architecture() + " expects rows [B, T, " + config.inputDim()
                        + "], got " + Arrays.toString(s));
            }
            x = in == null ? Var.constant(input) : in.forward(Var.constant(input));
        } else {
            if (s.length != 2) {
                throw new IllegalArgumentException(config.architecture() + " expects ids [B, T], got "
                        + Arrays.toString(s));
            }
            x = embed.forward(input);
        }
        for (RecurrentLayer l : layers) {
            x = l.forwardSequence(x);
        }
        if (!images) {
            return head.forward(x);
        }
        int time = s[1];
        Var last = Ops.reshape(Ops.slice(x, 1, time - 1, time), s[0], config.hidden());
        return head.forward(last);
    }

    @Override
    public Var forward(Var x) {
        return forward(x.value());
    }

    @Override
    public RecurrentState initialState(int batch) {
        List<Tensor[]> slots = new ArrayList<>();
        for (RecurrentLayer l : layers) {
            slots.add(l.initialState(batch));
        }
        return new RecurrentState(batch, slots);
    }

    @Override
    public Var step(RecurrentState state, Tensor xT) {
        Var x;
        if (images) {
            x = in == null ? Var.constant(xT) : in.forward(Var.constant(xT));
        } else {
            x = embed.forward(xT);
        }
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).step(x, state.layer(i));
        }
        return head.forward(x);
    }

    /**
     * One forward pass over T = seqLen steps (28 rows, or a full context):
     * fashion-mnist {@code T·(I·H [min* input projection] + Σ layer) + H·classes};
     * tokens {@code T·(Σ layer + H·V)}. Per step a layer costs LSTM {@code 4(I+H)H}, GRU {@code 3(I+H)H},
     * minGRU {@code 2·I·H}, minLSTM {@code 3·I·H}; gate nonlinearities and the embedding lookup are not MACs.
     */
    @Override
    public long macsPerInference() {
        long time = config.seqLen();
        long hidden = config.hidden();
        long perStep = 0;
        for (RecurrentLayer l : layers) {
            perStep += l.macsPerStep();
        }
        if (images) {
            long inProj = in == null ? 0 : (long) config.inputDim() * hidden;
            return time * (inProj + perStep) + hidden * config.numClasses();
        }
        return time * (perStep + hidden * config.vocabSize());
    }

    /** The configuration with the recurrent defaults applied. */
    public ModelConfig config() {
        return config;
    }
}
