package dev.joule.compress.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.Var;
import dev.joule.checkpoint.AtomicFiles;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.checkpoint.RawTensor;
import dev.joule.checkpoint.SafeTensors;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compressed model on disk: the usual checkpoint layout ({@code config.json} + {@code model.safetensors},
 * see {@link Checkpoint}) where every weight with an inference form attached is stored as that form —
 * int8 codes (I8), packed int4 nibbles and bitmasks (U8), kept-row/column lists (I32), scales (F32) — and
 * every other parameter as F32 (layout per form in {@link LayerCodec}). config.json gains
 * <pre>
 *   "compression": {"version": 1, "layers": {"blocks.0.ff.up.weight": {"form": "int8", "scheme": "w8a8",
 *                   "shape": [128, 64], "format": ..., "kernel": ..., "storage": "bitmask", ...}, ...},
 *                   "report": {...whatever the caller passed...}}
 * </pre>
 * The safetensors {@code __metadata__} holds {@code "crc32:<tensor>"} (8 hex digits) for every tensor;
 * {@link #load} verifies each one and checks every scale (finite, &gt; 0), so a damaged scale tensor is
 * rejected with the tensor, the file and the fix named. Saving writes {@code DIR.tmp} (each file
 * atomically, config.json last) and renames it over {@code DIR}.
 */
public final class CompressedCheckpoint {
    public static final int VERSION = 1;
    static final String CRC_PREFIX = "crc32:";
    /** Files joule compress writes beside the weights (its report, early-exit heads): replaced with the checkpoint. */
    public static final java.util.Set<String> COMPANION_FILES = java.util.Set.of("compress-report.json", "exits.json",
            "exits.safetensors");
    private static final Logger LOG = LoggerFactory.getLogger(CompressedCheckpoint.class);

    /** What {@link #load} gives back: the rebuilt model (forms attached), its config and the forms by weight name. */
    public record Loaded(Model model, ModelConfig modelConfig, ObjectNode config, Map<String, LinearWeights> forms) {}

    /** What {@link #save} wrote: the weights file's size and what the same parameters take in f32. */
    public record Saved(Path file, long fileBytes, long f32Bytes, int compressedLayers) {
        /** f32 parameter bytes over the file's bytes. */
        public double ratio() {
            return (double) f32Bytes / fileBytes;
        }
    }

    private CompressedCheckpoint() {}

    /**
     * Saves {@code model} with its attached forms. {@code config} is the checkpoint's config.json
     * (format, version, "model", "task", "training"; not modified); {@code report} (may be null) is
     * stored under "compression"."report".
     */
    public static Saved save(Path dir, Model model, ObjectNode config, JsonNode report) throws IOException {
        if (!config.path("model").isObject()) {
            throw new IllegalArgumentException("config.json content needs a \"model\" section to rebuild the model from");
        }
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        ObjectNode compression = Checkpoints.json().createObjectNode();
        compression.put("version", VERSION);
        ObjectNode layers = compression.putObject("layers");
        long f32Bytes = 0;
        for (Map.Entry<String, Var> p : model.namedParameters().entrySet()) {
            Var v = p.getValue();
            f32Bytes += 4L * v.value().size();
            LinearWeights form = v.inferenceWeights();
            if (form != null && LayerCodec.supports(form)) {
                layers.set(p.getKey(), LayerCodec.encode(p.getKey(), form, tensors));
            } else {
                tensors.put(p.getKey(), RawTensor.f32(v.value()));
            }
        }
        if (report != null) {
            compression.set("report", report);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("producer", "joule compress");
        tensors.forEach((name, t) -> meta.put(CRC_PREFIX + name, Crc.hex(t.data())));
        ObjectNode cfg = config.deepCopy();
        cfg.set("compression", compression);

        Path target = dir.toAbsolutePath().normalize();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        checkOnlyOurs(target);
        checkOnlyOurs(tmp);
        AtomicFiles.deleteTree(tmp);
        Files.createDirectories(tmp);
        SafeTensors.writeRaw(tmp.resolve(Checkpoints.MODEL_FILE), tensors, meta);
        AtomicFiles.write(tmp.resolve(Checkpoints.CONFIG_FILE), Checkpoints.json().writeValueAsBytes(cfg));
        Path old = target.resolveSibling(target.getFileName() + ".old");
        checkOnlyOurs(old);
        if (Files.exists(target)) {
            AtomicFiles.deleteTree(old);
            Files.move(target, old);
        }
        Files.move(tmp, target);
        AtomicFiles.deleteTree(old);
        Path file = target.resolve(Checkpoints.MODEL_FILE);
        return new Saved(file, Files.size(file), f32Bytes, layers.size());
    }

    /** Whether {@code dir}'s config.json has a "compression" section. */
    public static boolean isCompressed(Path dir) {
        Path cfg = dir.resolve(Checkpoints.CONFIG_FILE);
        try {
            return Files.isRegularFile(cfg) && Checkpoints.json().readTree(cfg.toFile()).has("compression");
        } catch (IOException e) {
            return false;
        }
    }

    /** Rebuilds the model from config.json through {@link ModelRegistry}, loads its weights and attaches the stored forms. */
    public static Loaded load(Path dir) throws IOException {
        dir = resolve(dir);
        Path configFile = dir.resolve(Checkpoints.CONFIG_FILE);
        ObjectNode config = readConfig(configFile);
        JsonNode compression = config.path("compression");
        if (compression.path("version").asInt(-1) != VERSION) {
            throw new CheckpointException(configFile + ": \"compression\".\"version\" is " + compression.path("version")
                    + ", this Joule reads version " + VERSION + "; re-run joule compress with this Joule");
        }
        ModelConfig modelConfig;
        try {
            modelConfig = Checkpoints.json().treeToValue(config.path("model"), ModelConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CheckpointException(configFile + ": the \"model\" section is not a model config: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        Model model = ModelRegistry.create(modelConfig, 0);
        Path weightsFile = dir.resolve(Checkpoints.MODEL_FILE);
        SafeTensors.RawContents contents = readWeights(weightsFile);
        Crc.verify(weightsFile.toString(), contents);
        TensorSource src = new TensorSource(weightsFile.toString(), configFile.toString(), contents.tensors());
        JsonNode layers = compression.path("layers");
        Map<String, LinearWeights> forms = new LinkedHashMap<>();
        for (Map.Entry<String, Var> p : model.namedParameters().entrySet()) {
            String name = p.getKey();
            Var v = p.getValue();
            if (layers.has(name)) {
                LinearWeights form = LayerCodec.decode(name, layers.get(name), src);
                checkShape(src, name, new int[] {form.outFeatures(), form.inFeatures()}, v.shape());
                v.value().copyFrom(Tensor.of(form.toDense(), v.shape()));
                v.setInferenceWeights(form);
                forms.put(name, form);
            } else {
                RawTensor t = src.get(name, RawTensor.DType.F32);
                checkShape(src, name, t.shape(), v.shape());
                v.value().copyFrom(t.toTensor());
            }
        }
        Set<String> extra = new TreeSet<>(contents.tensors().keySet());
        extra.removeAll(src.used());
        if (!extra.isEmpty()) {
            throw new CheckpointException(weightsFile + ": tensors " + extra + " belong to no parameter of the model built"
                    + " from " + configFile + "; the files do not match: re-run joule compress");
        }
        model.setTraining(false);
        return new Loaded(model, modelConfig, config, forms);
    }

    /** {@code dir}, or its {@code DIR.old} when a save was interrupted between its two renames. */
    private static Path resolve(Path dir) {
        if (Files.isRegularFile(dir.resolve(Checkpoints.CONFIG_FILE))) {
            return dir;
        }
        Path target = dir.toAbsolutePath().normalize();
        Path old = target.resolveSibling(target.getFileName() + ".old");
        if (Files.isRegularFile(old.resolve(Checkpoints.CONFIG_FILE))) {
            LOG.warn("compressed checkpoint {} is incomplete (a save was interrupted); using the previous one in {}", dir, old);
            return old;
        }
        throw new CheckpointException("no compressed checkpoint in " + dir + " (" + Checkpoints.CONFIG_FILE
                + " missing); make one with joule compress --out " + dir);
    }

    private static SafeTensors.RawContents readWeights(Path file) throws IOException {
        try {
            return SafeTensors.readRaw(file);
        } catch (CheckpointException e) {
            throw new CheckpointException(e.getMessage() + "; the compressed checkpoint is damaged: re-run joule compress", e);
        }
    }

    private static ObjectNode readConfig(Path configFile) throws IOException {
        JsonNode node;
        try {
            node = Checkpoints.json().readTree(configFile.toFile());
        } catch (JsonProcessingException e) {
            throw new CheckpointException(configFile + ": not valid JSON: " + e.getOriginalMessage() + "; re-run joule compress");
        }
        if (!(node instanceof ObjectNode o) || !Checkpoint.FORMAT.equals(o.path("format").asText())) {
            throw new CheckpointException(configFile + ": not a Joule checkpoint config (\"format\" must be \""
                    + Checkpoint.FORMAT + "\")");
        }
        if (!o.has("compression")) {
            throw new CheckpointException(configFile + ": no \"compression\" section: this is an uncompressed checkpoint;"
                    + " load it as a training checkpoint, or make a compressed one with joule compress");
        }
        return o;
    }

    private static void checkShape(TensorSource src, String name, int[] stored, int[] expected) {
        if (!Arrays.equals(stored, expected)) {
            throw new CheckpointException(src.file() + ": '" + name + "' is stored as " + Arrays.toString(stored)
                    + ", the model built from " + src.configFile() + " expects " + Arrays.toString(expected)
                    + "; re-run joule compress");
        }
    }

    /** Saving replaces these directories, so they may hold only checkpoint files. */
    private static void checkOnlyOurs(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + " exists and is not a directory; choose another output directory");
        }
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                boolean ours = n.equals(Checkpoints.MODEL_FILE) || n.equals(Checkpoints.CONFIG_FILE)
                        || COMPANION_FILES.contains(n) || (n.startsWith(".") && n.endsWith(".tmp"));
                if (!ours || !Files.isRegularFile(p)) {
                    throw new CheckpointException(dir + " holds '" + n + "', which is not part of a compressed checkpoint;"
                            + " refusing to replace it: choose an empty or new output directory");
                }
            }
        }
    }
}
