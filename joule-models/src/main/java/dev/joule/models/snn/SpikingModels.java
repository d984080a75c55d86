package dev.joule.models.snn;

import dev.joule.models.ModelConfig;
import dev.joule.models.UnknownModelException;
import java.util.random.RandomGenerator;

/** The registry's entry for the spiking architectures {@code snn} and {@code csnn} (Fashion-MNIST images only). */
public final class SpikingModels {
    private SpikingModels() {}

    /** A fresh {@code snn} or {@code csnn} with its default {@link SpikingOptions}. */
    public static SpikingModel create(ModelConfig cfg, RandomGenerator rng) {
        String arch = cfg.architecture();
        if (!ModelConfig.FASHION_MNIST.equals(cfg.task())) {
            throw new UnknownModelException("model '" + arch + "' does not support task '" + cfg.task()
                    + "'; it classifies fashion-mnist images, use --model transformer for token tasks");
        }
        return switch (arch) {
            case "snn" -> new SnnModel(cfg, rng);
            case "csnn" -> new CsnnModel(cfg, rng);
            default -> throw new IllegalArgumentException("not a spiking architecture: '" + arch
                    + "'; expected snn or csnn");
        };
    }
}
