package dev.joule.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.tensor.Tensor;
import java.util.Map;

/**
 * Everything a checkpoint directory holds, in memory.
 *
 * <pre>
 * DIR/model.safetensors      f32 weights by parameter path ("blocks.0.attn.q.weight")
 * DIR/optimizer.safetensors  optimizer state tensors by name            (training checkpoints only)
 * DIR/trainer.json           step, epoch, batch cursor, seed, loss curve (training checkpoints only)
 * DIR/config.json            {"format": "joule-checkpoint", "version": 1,
 *                             "model": {...}, "task": {...}, "training": {...}}
 * </pre>
 *
 * The model config is kept as JSON so this module need not know the model zoo's classes.
 *
 * @param config         the whole config.json (see {@link #config(JsonNode, JsonNode, JsonNode)})
 * @param weights        model parameters by name
 * @param optimizerState optimizer state by name, or null
 * @param trainerState   the trainer's position and history as JSON, or null
 */
public record Checkpoint(ObjectNode config, Map<String, Tensor> weights, Map<String, Tensor> optimizerState,
                         JsonNode trainerState) {
    public static final String FORMAT = "joule-checkpoint";
    public static final int VERSION = 1;

    /** Builds config.json's content from its three sections (any may be null). */
    public static ObjectNode config(JsonNode model, JsonNode task, JsonNode training) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("format", FORMAT);
        c.put("version", VERSION);
        c.set("model", model == null ? c.objectNode() : model);
        c.set("task", task == null ? c.objectNode() : task);
        c.set("training", training == null ? c.objectNode() : training);
        return c;
    }

    public JsonNode model() {
        return config.path("model");
    }

    public JsonNode task() {
        return config.path("task");
    }

    public JsonNode training() {
        return config.path("training");
    }
}
