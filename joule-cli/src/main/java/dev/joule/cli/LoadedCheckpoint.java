package dev.joule.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.dynamic.EarlyExitStore;
import dev.joule.compress.io.CompressedCheckpoint;
import dev.joule.models.TransformerClassifier;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** A checkpoint with its model rebuilt from config.json through the registry and its weights loaded. */
record LoadedCheckpoint(Path dir, Checkpoint checkpoint, ModelConfig config, Model model) {

    /** Loads a checkpoint written by {@code joule train}, or a compressed one written by {@code joule compress}. */
    static LoadedCheckpoint load(Path dir) {
        return withExits(CompressedCheckpoint.isCompressed(dir) ? loadCompressed(dir) : loadPlain(dir));
    }

    /**
     * Exit heads saved by {@code joule compress --early-exit} turn the model into its early-exit version, so eval,
     * gate and compare see what the compressed checkpoint really costs.
     */
    private static LoadedCheckpoint withExits(LoadedCheckpoint c) {
        if (!EarlyExitStore.exists(c.dir()) || !(c.model() instanceof TransformerClassifier backbone)) {
            return c;
        }
        try {
            return new LoadedCheckpoint(c.dir(), c.checkpoint(), c.config(), EarlyExitStore.load(c.dir(), backbone));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the exit heads in " + c.dir() + ": " + e.getMessage(), e);
        }
    }

    private static LoadedCheckpoint loadPlain(Path dir) {
        Checkpoint ckpt;
        try {
            ckpt = Checkpoints.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        }
        ModelConfig cfg = modelConfig(ckpt.model(), dir);
        Model model = ModelRegistry.create(cfg, 0);
        Checkpoints.loadInto(model.namedParameters(), ckpt.weights(), dir.resolve(Checkpoints.MODEL_FILE).toString());
        return new LoadedCheckpoint(dir, ckpt, cfg, model);
    }

    /** A compressed checkpoint: the model comes back with its inference forms attached; there is no trainer state. */
    private static LoadedCheckpoint loadCompressed(Path dir) {
        CompressedCheckpoint.Loaded c;
        try {
            c = CompressedCheckpoint.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read compressed checkpoint " + dir + ": " + e.getMessage(), e);
        }
        Checkpoint ckpt = new Checkpoint(c.config(), Map.of(), null, null);
        return new LoadedCheckpoint(dir, ckpt, c.modelConfig(), c.model());
    }

    /** Whether this checkpoint was written by {@code joule compress}. */
    boolean compressed() {
        return checkpoint.config().has("compression");
    }

    static ModelConfig modelConfig(JsonNode node, Path dir) {
        try {
            return Checkpoints.json().treeToValue(node, ModelConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CheckpointException(dir.resolve(Checkpoints.CONFIG_FILE) + ": the \"model\" section is not a model config: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static JsonNode toJson(ModelConfig cfg) {
        return Checkpoints.json().valueToTree(cfg);
    }
}
