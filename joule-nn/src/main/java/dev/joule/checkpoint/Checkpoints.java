package dev.joule.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads checkpoint directories (layout in {@link Checkpoint}).
 *
 * <p>Saving never leaves a half-written checkpoint under the real name: files go into {@code DIR.tmp}
 * (each one written atomically, config.json last), then the old {@code DIR} is renamed to
 * {@code DIR.old}, {@code DIR.tmp} to {@code DIR}, and {@code DIR.old} is deleted. A crash between the
 * two renames leaves {@code DIR.old}, which {@link #load} falls back to.
 */
public final class Checkpoints {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String TRAINER_FILE = "trainer.json";
    public static final String CONFIG_FILE = "config.json";

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    /** Floats are read as BigDecimal so a loss curve round-trips bit for bit. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Checkpoints() {}

    public static ObjectMapper json() {
        return JSON;
    }

    public static void save(Path dir, Checkpoint ckpt) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path tmp = sibling(target, ".tmp");
        Path old = sibling(target, ".old");
        for (Path p : new Path[] {target, tmp, old}) {
            checkOnlyCheckpointFiles(p);
        }
        AtomicFiles.deleteTree(tmp);
        Files.createDirectories(tmp);
        SafeTensors.write(tmp.resolve(MODEL_FILE), ckpt.weights(), Map.of("format", "pt", "producer", "joule"));
        if (ckpt.optimizerState() != null) {
            SafeTensors.write(tmp.resolve(OPTIMIZER_FILE), ckpt.optimizerState(), Map.of("producer", "joule"));
        }
        if (ckpt.trainerState() != null) {
            AtomicFiles.write(tmp.resolve(TRAINER_FILE), JSON.writeValueAsBytes(ckpt.trainerState()));
        }
        AtomicFiles.write(tmp.resolve(CONFIG_FILE), JSON.writeValueAsBytes(ckpt.config()));
        if (Files.exists(target)) {
            AtomicFiles.deleteTree(old);
            Files.move(target, old);
        }
        Files.move(tmp, target);
        AtomicFiles.deleteTree(old);
    }

    /** Whether {@code dir} (or its crash leftover {@code dir.old}) holds a complete checkpoint. */
    public static boolean exists(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        return Files.isRegularFile(target.resolve(CONFIG_FILE)) || Files.isRegularFile(sibling(target, ".old").resolve(CONFIG_FILE));
    }

    public static Checkpoint load(Path dir) throws IOException {
        Path target = resolve(dir);
        Path configFile = target.resolve(CONFIG_FILE);
        JsonNode config;
        try {
            config = JSON.readTree(configFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointException(configFile + ": not valid JSON: " + e.getOriginalMessage());
        }
        checkFormat(configFile, config);
        Map<String, Tensor> weights = SafeTensors.read(target.resolve(MODEL_FILE)).tensors();
        Path optFile = target.resolve(OPTIMIZER_FILE);
        Map<String, Tensor> optimizer = Files.isRegularFile(optFile) ? SafeTensors.read(optFile).tensors() : null;
        Path trainerFile = target.resolve(TRAINER_FILE);
        JsonNode trainer = null;
        if (Files.isRegularFile(trainerFile)) {
            try {
                trainer = JSON.readTree(trainerFile.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CheckpointException(trainerFile + ": not valid JSON: " + e.getOriginalMessage());
            }
        }
        return new Checkpoint((ObjectNode) config, weights, optimizer, trainer);
    }

    /**
     * Copies {@code weights} into the model's parameters, checking that the names and shapes agree
     * exactly; {@code source} names the file in error messages.
     */
    public static void loadInto(Map<String, Var> parameters, Map<String, Tensor> weights, String source) {
        for (Map.Entry<String, Var> p : parameters.entrySet()) {
            Tensor w = weights.get(p.getKey());
            int[] expected = p.getValue().shape();
            if (w == null) {
                throw new CheckpointException(source + ": tensor '" + p.getKey() + "' of shape " + Arrays.toString(expected)
                        + " is missing; the checkpoint was made for a different model, or by an older Joule whose version"
                        + " of this architecture had other parameters (e.g. rwkv before RWKV-5): train a new one with joule train");
            }
            if (!Arrays.equals(w.shape(), expected)) {
                throw new CheckpointException(source + ": tensor '" + p.getKey() + "' has shape " + Arrays.toString(w.shape())
                        + ", the model built from config.json expects " + Arrays.toString(expected)
                        + "; if an older Joule made it, train a new one with joule train");
            }
        }
        for (String name : weights.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new CheckpointException(source + ": tensor '" + name + "' is not a parameter of the model built from config.json");
            }
        }
        parameters.forEach((name, v) -> v.value().copyFrom(weights.get(name)));
    }

    private static Path resolve(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.isRegularFile(target.resolve(CONFIG_FILE))) {
            return target;
        }
        Path old = sibling(target, ".old");
        if (Files.isRegularFile(old.resolve(CONFIG_FILE))) {
            LOG.warn("checkpoint {} is incomplete (a save was interrupted); using the previous one in {}", target, old);
            return old;
        }
        throw new CheckpointException("no checkpoint in " + dir + " (" + CONFIG_FILE
                + " missing); train one with: joule train ... --out " + dir);
    }

    /**
     * Saving replaces and deletes these directories, so they must hold nothing but checkpoint files:
     * {@code --out ~} must never delete a home directory.
     */
    private static void checkOnlyCheckpointFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + " exists and is not a directory; choose another checkpoint directory");
        }
        // exits.* and compress-report.json: what joule compress --early-exit saves beside a checkpoint's weights.
        java.util.Set<String> known = java.util.Set.of(MODEL_FILE, OPTIMIZER_FILE, TRAINER_FILE, CONFIG_FILE,
                "exits.json", "exits.safetensors", "compress-report.json");
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                boolean ours = known.contains(name) || (name.startsWith(".") && name.endsWith(".tmp"));
                if (!ours || !Files.isRegularFile(p)) {
                    throw new CheckpointException(dir + " holds '" + name + "', which is not part of a Joule checkpoint;"
                            + " refusing to replace it: choose an empty or new checkpoint directory");
                }
            }
        }
    }

    private static void checkFormat(Path configFile, JsonNode config) {
        String format = config.path("format").asText("");
        if (!format.equals(Checkpoint.FORMAT)) {
            throw new CheckpointException(configFile + ": format is '" + format + "', expected '" + Checkpoint.FORMAT + "'");
        }
        int version = config.path("version").asInt(-1);
        if (version < 1 || version > Checkpoint.VERSION) {
            throw new CheckpointException(configFile + ": checkpoint version " + config.path("version")
                    + " is not supported (this Joule reads versions 1.." + Checkpoint.VERSION + "); upgrade Joule or retrain");
        }
    }

    private static Path sibling(Path target, String suffix) {
        return target.resolveSibling(target.getFileName() + suffix);
    }
}
