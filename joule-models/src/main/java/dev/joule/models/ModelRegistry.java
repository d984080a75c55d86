package dev.joule.models;

import dev.joule.nn.Model;
import java.util.List;

/** Builds models by architecture name from a {@link ModelConfig}; the CLI and checkpoint loader go through here. */
public final class ModelRegistry {
    private static final List<String> NAMES = List.of("mlp", "transformer");

    private ModelRegistry() {}

    /** The architecture names {@link #create} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A freshly initialised model; the same config and seed give the same weights.
     *
     * @throws UnknownModelException when {@code cfg.architecture()} is not one of {@link #names()}
     */
    public static Model create(ModelConfig cfg, long seed) {
        if (!NAMES.contains(cfg.architecture())) {
            throw new UnknownModelException(cfg.architecture(), NAMES);
        }
        throw new UnsupportedOperationException("model '" + cfg.architecture() + "' is being written; skeleton only");
    }
}
