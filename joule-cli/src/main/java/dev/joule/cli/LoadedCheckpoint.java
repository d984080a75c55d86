package dev.joule.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A checkpoint with its model rebuilt from config.json through the registry and its weights loaded. */
record LoadedCheckpoint(Path dir, Checkpoint checkpoint, ModelConfig config, Model model) {

    static LoadedCheckpoint load(Path dir) {
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
