package dev.joule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.Var;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.optim.Optimizer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The hyper-parameters of a training run after defaults are applied; stored as the "training"
 * section of a checkpoint's config.json so {@code --resume} rebuilds exactly the same run.
 *
 * <p>Defaults: fashion-mnist batch 128, Adam lr 1e-3 constant, 3 epochs; token tasks (char-lm, copy,
 * recall) batch 32, context 128, AdamW lr 1e-3 with warm-up and cosine decay to lr/10, gradient clip 1.0.
 *
 * @param epochs     the requested epochs, or 0 when the run was given in steps
 * @param totalSteps 0 until the data set is known (then epochs x batches per epoch)
 */
record RunSettings(String model, String task, Path dataDir, Path corpus, Integer limit, int batch, int context,
                   float lr, long seed, int epochs, long totalSteps, long evalEvery, long checkpointEvery,
                   float gradClip, String optimizer, float weightDecay, String schedule) {

    static final int DEFAULT_CONTEXT = 128;
    private static final long DEFAULT_TOKEN_STEPS = 1000;
    private static final int DEFAULT_EPOCHS = 3;

    static RunSettings fromFlags(String model, String task, Path dataDir, Path corpus, Integer limit, Integer batch,
                                 Integer context, Float lr, long seed, Integer epochs, Long steps, Long evalEvery,
                                 Long checkpointEvery) {
        boolean images = task.equals("fashion-mnist");
        int e = steps != null ? 0 : epochs != null ? epochs : images ? DEFAULT_EPOCHS : 0;
        long total = steps != null ? steps : e == 0 ? DEFAULT_TOKEN_STEPS : 0;
        return new RunSettings(model, task, dataDir, corpus, limit,
                batch != null ? batch : images ? 128 : 32,
                context != null ? context : DEFAULT_CONTEXT,
                lr != null ? lr : 1e-3f, seed, e, total,
                evalEvery != null ? evalEvery : -1, checkpointEvery != null ? checkpointEvery : 0,
                images ? 0f : 1f, images ? "adam" : "adamw", images ? 0f : AdamW.DEFAULT_WEIGHT_DECAY,
                images ? "constant" : "warmup-cosine");
    }

    /** Fixes the step count once the data set's epoch length is known. */
    RunSettings withBatchesPerEpoch(long batchesPerEpoch) {
        long total = epochs > 0 ? epochs * batchesPerEpoch : totalSteps;
        long eval = evalEvery >= 0 ? evalEvery : (task.equals("fashion-mnist") && epochs > 1 ? batchesPerEpoch : 0);
        return new RunSettings(model, task, dataDir, corpus, limit, batch, context, lr, seed, epochs, total, eval,
                checkpointEvery, gradClip, optimizer, weightDecay, schedule);
    }

    RunSettings withTotalSteps(long steps, int newEpochs) {
        return new RunSettings(model, task, dataDir, corpus, limit, batch, context, lr, seed, newEpochs, steps, evalEvery,
                checkpointEvery, gradClip, optimizer, weightDecay, schedule);
    }

    TaskData.Options dataOptions() {
        return new TaskData.Options(task, dataDir, corpus, limit, batch, context, seed);
    }

    Optimizer newOptimizer(Map<String, Var> params) {
        return optimizer.equals("adam") ? AdamW.adam(params, lr)
                : new AdamW(params, lr, AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2, AdamW.DEFAULT_EPS, weightDecay);
    }

    LearningRateSchedule newSchedule() {
        if (schedule.equals("constant")) {
            return new LearningRateSchedule.Constant(lr);
        }
        long warmup = Math.min(100, totalSteps / 10);
        return new LearningRateSchedule.WarmupCosine(warmup, totalSteps, lr, lr / 10);
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model).put("task", task);
        o.put("dataDir", dataDir == null ? null : dataDir.toAbsolutePath().toString());
        o.put("corpus", corpus == null ? null : corpus.toAbsolutePath().toString());
        if (limit != null) {
            o.put("limit", limit);
        }
        o.put("batch", batch).put("context", context).put("lr", lr).put("seed", seed);
        o.put("epochs", epochs).put("totalSteps", totalSteps).put("evalEvery", evalEvery).put("checkpointEvery", checkpointEvery);
        o.put("gradClip", gradClip).put("optimizer", optimizer).put("weightDecay", weightDecay).put("schedule", schedule);
        return o;
    }

    static RunSettings fromJson(JsonNode o) {
        for (String f : new String[] {"model", "task", "batch", "lr", "seed", "totalSteps", "optimizer", "schedule"}) {
            if (!o.hasNonNull(f)) {
                throw new dev.joule.checkpoint.CheckpointException("config.json: training." + f
                        + " is missing, so this checkpoint cannot be resumed; start a new run without --resume");
            }
        }
        return new RunSettings(o.get("model").asText(), o.get("task").asText(),
                o.hasNonNull("dataDir") ? Path.of(o.get("dataDir").asText()) : null,
                o.hasNonNull("corpus") ? Path.of(o.get("corpus").asText()) : null,
                o.hasNonNull("limit") ? o.get("limit").asInt() : null,
                o.get("batch").asInt(), o.path("context").asInt(DEFAULT_CONTEXT), exactFloat(o.get("lr")),
                o.get("seed").asLong(), o.path("epochs").asInt(0), o.get("totalSteps").asLong(), o.path("evalEvery").asLong(0),
                o.path("checkpointEvery").asLong(0), exactFloat(o.path("gradClip")), o.get("optimizer").asText(),
                exactFloat(o.path("weightDecay")), o.get("schedule").asText());
    }

    /** The float a JSON number was written from (parsing the text rounds once; via double would round twice). */
    private static float exactFloat(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? 0f : Float.parseFloat(n.asText());
    }
}
