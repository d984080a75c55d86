package dev.joule.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path root;

    private static Checkpoint sample(float w) {
        ObjectNode model = JsonNodeFactory.instance.objectNode().put("architecture", "mlp").put("hidden", 3);
        ObjectNode task = JsonNodeFactory.instance.objectNode().put("name", "char-lm").put("vocabulary", "ab\n");
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("fc.weight", Tensor.full(w, 3, 2));
        weights.put("fc.bias", Tensor.full(w, 3));
        ObjectNode trainer = JsonNodeFactory.instance.objectNode().put("step", 7);
        return new Checkpoint(Checkpoint.config(model, task, null), weights, Map.of("step", Tensor.scalar(7)), trainer);
    }

    @Test
    void savesAndLoadsEverything() throws Exception {
        Path dir = root.resolve("ckpt");
        Checkpoints.save(dir, sample(0.5f));
        for (String f : new String[] {"model.safetensors", "optimizer.safetensors", "trainer.json", "config.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        Checkpoint c = Checkpoints.load(dir);
        assertEquals("joule-checkpoint", c.config().get("format").asText());
        assertEquals(1, c.config().get("version").asInt());
        assertEquals("mlp", c.model().get("architecture").asText());
        assertEquals("ab\n", c.task().get("vocabulary").asText());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, c.weights().get("fc.bias").toArray());
        assertEquals(7, c.trainerState().get("step").asInt());
        assertEquals(7f, c.optimizerState().get("step").item());
    }

    @Test
    void secondSaveReplacesTheFirstAndLeavesNoTemporaries() throws Exception {
        Path dir = root.resolve("ckpt");
        Checkpoints.save(dir, sample(1f));
        Checkpoints.save(dir, new Checkpoint(sample(2f).config(), sample(2f).weights(), null, null));
        Checkpoint c = Checkpoints.load(dir);
        assertEquals(2f, c.weights().get("fc.bias").get(0));
        assertNull(c.optimizerState(), "files of the previous checkpoint do not leak into the new one");
        try (var files = Files.list(root)) {
            assertEquals(1, files.count(), "only ckpt remains");
        }
    }

    @Test
    void fallsBackToThePreviousCheckpointAfterAnInterruptedSwap() throws Exception {
        Path dir = root.resolve("ckpt");
        Checkpoints.save(dir, sample(1f));
        Files.move(dir, root.resolve("ckpt.old"));
        Files.createDirectories(root.resolve("ckpt.tmp"));
        assertTrue(Checkpoints.exists(dir));
        assertEquals(1f, Checkpoints.load(dir).weights().get("fc.bias").get(0));
        Checkpoints.save(dir, sample(3f));
        assertFalse(Files.exists(root.resolve("ckpt.old")));
        assertFalse(Files.exists(root.resolve("ckpt.tmp")));
    }

    @Test
    void neverReplacesADirectoryWithOtherFiles() throws Exception {
        Path home = root.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("thesis.tex"), "precious");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.save(home, sample(1f)));
        assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
        assertEquals("precious", Files.readString(home.resolve("thesis.tex")));
        Path empty = Files.createDirectories(root.resolve("empty"));
        Checkpoints.save(empty, sample(1f));
        assertTrue(Checkpoints.exists(empty));
    }

    @Test
    void missingCheckpointSaysHowToMakeOne() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(root.resolve("none")));
        assertTrue(e.getMessage().contains("no checkpoint in") && e.getMessage().contains("joule train"), e.getMessage());
    }

    @Test
    void rejectsForeignFormatAndNewerVersion() throws Exception {
        Path dir = root.resolve("ckpt");
        Checkpoints.save(dir, sample(1f));
        Files.writeString(dir.resolve("config.json"), "{\"format\":\"other\",\"version\":1}");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.load(dir)).getMessage().contains("format is 'other'"));
        Files.writeString(dir.resolve("config.json"), "{\"format\":\"joule-checkpoint\",\"version\":9}");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.load(dir)).getMessage().contains("version 9"));
    }

    @Test
    void loadIntoChecksNamesAndShapes() {
        Map<String, Var> params = new LinkedHashMap<>();
        params.put("fc.weight", Var.param(Tensor.zeros(3, 2)));
        params.put("fc.bias", Var.param(Tensor.zeros(3)));
        Checkpoints.loadInto(params, sample(4f).weights(), "m");
        assertEquals(4f, params.get("fc.weight").value().get(2, 1));

        params.put("fc.bias", Var.param(Tensor.zeros(4)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.loadInto(params, sample(4f).weights(), "ckpt/model.safetensors"));
        assertTrue(e.getMessage().contains("'fc.bias' has shape [3]") && e.getMessage().contains("expects [4]"), e.getMessage());

        params.put("fc.bias", Var.param(Tensor.zeros(3)));
        params.put("extra", Var.param(Tensor.zeros(1)));
        e = assertThrows(CheckpointException.class, () -> Checkpoints.loadInto(params, sample(4f).weights(), "m"));
        assertTrue(e.getMessage().contains("'extra'") && e.getMessage().contains("missing"), e.getMessage());
    }
}
