package dev.joule.models;

import dev.joule.models.rnn.LinearTransformer;
import dev.joule.models.rnn.Mamba;
import dev.joule.models.rnn.Mamba2;
import dev.joule.models.rnn.RecurrentNetwork;
import dev.joule.models.rnn.Rwkv;
import dev.joule.models.snn.SpikingModels;
import dev.joule.nn.Model;
import java.util.List;
import java.util.SplittableRandom;

/** Builds models by architecture name from a {@link ModelConfig}; the CLI and checkpoint loader go through here. */
public final class ModelRegistry {
    private static final List<String> NAMES = List.of("mlp", "transformer", "cnn", "lstm", "gru", "mingru", "minlstm",
            "linear-transformer", "mamba", "rwkv", "mamba2", "snn", "csnn",
            "sparse-transformer");

    private ModelRegistry() {}

    /** The architecture names {@link #create} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A freshly initialised model; the same config and seed give the same weights. "transformer" is the
     * encoder classifier for {@code fashion-mnist} and the causal language model for token tasks.
     *
     * @throws UnknownModelException when {@code cfg.architecture()} is not one of {@link #names()}
     */
    public static Model create(ModelConfig cfg, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        boolean images = ModelConfig.FASHION_MNIST.equals(cfg.task());
        return switch (cfg.architecture()) {
            case "mlp" -> {
                if (!images) {
                    throw new UnknownModelException("model 'mlp' does not support task '" + cfg.task()
                            + "'; it classifies fashion-mnist images, use --model transformer for token tasks");
                }
                yield new MlpModel(cfg, rng);
            }
            case "cnn" -> {
                if (!images) {
                    throw new UnknownModelException("model 'cnn' does not support task '" + cfg.task()
                            + "'; it classifies fashion-mnist images, use --model transformer for token tasks");
                }
                yield new CnnModel(cfg, rng);
            }
            case "lstm", "gru", "mingru", "minlstm" -> new RecurrentNetwork(cfg, rng);
            case "linear-transformer" -> new LinearTransformer(cfg, rng);
            case "mamba" -> new Mamba(cfg, rng);
            case "mamba2" -> new Mamba2(cfg, rng);
            case "rwkv" -> new Rwkv(cfg, rng);
            case "snn", "csnn" -> SpikingModels.create(cfg, rng);
            case "transformer" -> images ? new TransformerClassifier(cfg, rng) : new CharTransformer(cfg, rng);
            case "sparse-transformer" -> SparseTransformer.create(cfg, rng);
            default -> throw new UnknownModelException(cfg.architecture(), NAMES);
        };
    }
}
