package dev.joule.compress.dynamic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.AtomicFiles;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.checkpoint.SafeTensors;
import dev.joule.models.ModelConfig;
import dev.joule.models.TransformerClassifier;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Early exit stored beside a checkpoint's weights:
 *
 * <pre>
 * DIR/exits.safetensors  exit-head parameters by path ("0.norm.weight", "0.linear.weight", ...), f32
 * DIR/exits.json         {"format": "joule-early-exit", "version": 1,
 *                         "backbone": {"blocks": L, "dModel": d, "numClasses": C},
 *                         "confidence": "max-softmax", "exitAfterBlocks": [0, ...], "thresholds": [...],
 *                         "calibration": {"budgetPoints", "heldOut", "fullAccuracy", "earlyAccuracy", "exitFractions"}}
 * </pre>
 *
 * Each file is written atomically, exits.json last, so a reader that finds exits.json finds the heads it
 * describes. Note that {@code Checkpoints.save} refuses to replace a directory holding other files, so a
 * checkpoint directory with exits cannot be overwritten by {@code joule train --out}; retrain into a new one.
 */
public final class EarlyExitStore {
    public static final String HEADS_FILE = "exits.safetensors";
    public static final String CONFIG_FILE = "exits.json";
    static final String FORMAT = "joule-early-exit";
    static final int VERSION = 1;

    private EarlyExitStore() {}

    /** Whether {@code dir} holds an exits.json. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG_FILE));
    }

    public static void save(Path dir, EarlyExitModel model) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.exitParameters().forEach((name, v) -> tensors.put(name, v.value()));
        SafeTensors.write(dir.resolve(HEADS_FILE), tensors, Map.of("format", FORMAT, "producer", "joule"));
        AtomicFiles.write(dir.resolve(CONFIG_FILE), Checkpoints.json().writeValueAsBytes(toJson(model)));
    }

    static ObjectNode toJson(EarlyExitModel model) {
        ObjectNode o = Checkpoints.json().createObjectNode();
        o.put("format", FORMAT).put("version", VERSION);
        ModelConfig cfg = model.backbone().config();
        o.putObject("backbone").put("blocks", model.backbone().blocks()).put("dModel", cfg.dModel())
                .put("numClasses", cfg.numClasses());
        o.put("confidence", "max-softmax");
        ArrayNode after = o.putArray("exitAfterBlocks");
        ArrayNode thr = o.putArray("thresholds");
        float[] thresholds = model.thresholds();
        for (int i = 0; i < thresholds.length; i++) {
            after.add(i);
            thr.add(thresholds[i]);
        }
        ExitCalibration.Result c = model.calibration();
        if (c != null) {
            ObjectNode cal = o.putObject("calibration");
            cal.put("budgetPoints", c.budgetPoints()).put("heldOut", c.heldOut()).put("fullAccuracy", c.fullAccuracy())
                    .put("earlyAccuracy", c.earlyAccuracy());
            ArrayNode f = cal.putArray("exitFractions");
            for (double x : c.exitFractions()) {
                f.add(x);
            }
        }
        return o;
    }

    /** The exits saved in {@code dir}, attached to {@code backbone} (the checkpoint's model, already loaded). */
    public static EarlyExitModel load(Path dir, TransformerClassifier backbone) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new EarlyExitException("no early exit in " + dir + " (" + CONFIG_FILE + " missing); build one with EarlyExit.build"
                    + " and save it with EarlyExitStore.save");
        }
        JsonNode o;
        try {
            o = Checkpoints.json().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!FORMAT.equals(o.path("format").asText()) || o.path("version").asInt(-1) != VERSION) {
            throw new CheckpointException(file + ": format '" + o.path("format").asText() + "' version " + o.path("version")
                    + ", expected '" + FORMAT + "' version " + VERSION + "; rebuild the exits with this Joule");
        }
        int blocks = o.path("backbone").path("blocks").asInt(-1);
        int d = o.path("backbone").path("dModel").asInt(-1);
        ModelConfig cfg = backbone.config();
        if (blocks != backbone.blocks() || d != cfg.dModel()) {
            throw new CheckpointException(file + ": exits were built for a backbone of " + blocks + " blocks of width " + d
                    + ", this model has " + backbone.blocks() + " of width " + cfg.dModel() + "; rebuild the exits for it");
        }
        EarlyExitModel model = new EarlyExitModel(backbone);
        JsonNode thr = o.path("thresholds");
        float[] thresholds = new float[thr.size()];
        for (int i = 0; i < thresholds.length; i++) {
            thresholds[i] = (float) thr.get(i).asDouble(Double.NaN);
            if (!(thresholds[i] > 0) || !Float.isFinite(thresholds[i])) {
                throw new CheckpointException(file + ": threshold " + i + " is " + thr.get(i) + ", expected a probability in (0, 1]"
                        + " or " + EarlyExitModel.NEVER + " (never); rebuild the exits");
            }
        }
        Path heads = dir.resolve(HEADS_FILE);
        Checkpoints.loadInto(model.exitParameters(), SafeTensors.read(heads).tensors(), heads.toString());
        JsonNode c = o.path("calibration");
        if (c.isObject()) {
            double[] fractions = new double[c.path("exitFractions").size()];
            for (int i = 0; i < fractions.length; i++) {
                fractions[i] = c.path("exitFractions").get(i).asDouble();
            }
            model.applyCalibration(new ExitCalibration.Result(thresholds, c.path("budgetPoints").asDouble(),
                    c.path("heldOut").asInt(), c.path("fullAccuracy").asDouble(), c.path("earlyAccuracy").asDouble(), fractions));
        } else {
            model.setThresholds(thresholds);
        }
        return model;
    }
}
