package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code joule compress} end to end on look-alike data: a trained MLP is pruned and quantized, the compressed
 * checkpoint is written, and eval and gate read it back with the same accuracy the report gave.
 */
class CompressCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path data;
    private static Path ckpt;

    @BeforeAll
    static void train() throws Exception {
        data = FakeData.fashionMnist(tmp.resolve("fm"), 200);
        ckpt = tmp.resolve("mlp");
        CliRun train = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--epochs", "2", "--batch", "20", "--seed", "1", "--threads", "1", "--out", ckpt.toString(), "--json");
        assertEquals(0, train.exitCode(), train.toString());
    }

    @Test
    void structuredPruningAndInt8ShrinkTheCheckpointAndEvalReadsIt() throws Exception {
        Path out = tmp.resolve("mlp-c");
        CliRun c = CliRun.of("compress", "--checkpoint", ckpt.toString(), "--prune", "0.5:structured", "--quantize", "int8",
                "--fine-tune-steps", "20", "--rounds", "1", "--min-infer-seconds", "0.1", "--threads", "1",
                "--out", out.toString(), "--json");
        assertEquals(0, c.exitCode(), c.toString());
        JsonNode r = JSON.readTree(c.out());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")), r.toString());
        // 784-256-10: half the hidden units go, and the survivors are stored as int8 codes.
        assertTrue(r.get("sizeRatio").asDouble() > 3.5, "pruned 50 % + int8 is far smaller than f32: " + r);
        assertEquals(2, r.get("layers").size(), r.toString());
        for (JsonNode l : r.get("layers")) {
            assertEquals("w8a8", l.get("stored").asText(), l.toString());
            // Which kernel runs is timed on this machine, so the test checks what every choice shares.
            assertTrue(l.get("macs").asLong() <= l.get("denseMacs").asLong(), l.toString());
            assertTrue(l.get("storedBytes").asLong() < 2L * l.get("out").asLong() * l.get("in").asLong(), "int8 codes, not f32: " + l);
            assertTrue(l.get("sparsity").asDouble() >= 0.49, l.toString());
        }
        assertTrue(r.get("f32").get("joulesPerInference").asDouble() > 0 && r.get("compressed").get("joulesPerInference").asDouble() > 0);

        CliRun eval = CliRun.of("eval", "--checkpoint", out.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
        assertEquals(r.get("accuracyAfter").asDouble(), JSON.readTree(eval.out()).get("accuracy").asDouble(), 1e-12,
                "the loaded compressed checkpoint classifies exactly as the compressed model did");

        CliRun gate = CliRun.of("gate", "--checkpoint", out.toString(), "--min-accuracy", "0", "--min-infer-seconds", "0.1");
        assertEquals(0, gate.exitCode(), gate.toString());
    }

    @Test
    void twoOfFourWithQatAndABudgetRunsEveryStage() throws Exception {
        Path out = tmp.resolve("mlp-24");
        CliRun c = CliRun.of("compress", "--checkpoint", ckpt.toString(), "--prune", "0.5:2:4", "--quantize", "int8-weight",
                "--qat", "--epochs", "0.2", "--fine-tune-steps", "10", "--max-accuracy-drop", "0", "--rounds", "1",
                "--min-infer-seconds", "0.1", "--threads", "1", "--out", out.toString(), "--json");
        assertEquals(0, c.exitCode(), c.toString());
        JsonNode r = JSON.readTree(c.out());
        assertTrue(r.get("fineTuneSteps").asLong() > 10, "fine-tuning and QAT steps both ran: " + r);
        assertTrue(r.get("accuracyDeltaPoints").asDouble() >= -100 * 0.02 || r.get("keptF32").size() > 0, r.toString());
        for (JsonNode l : r.get("layers")) {
            // 2:4 zeroes two of every four inputs in each row of fc1 (784 = 196 groups of 4); int8 rounding
            // may zero a few more small survivors.
            if (l.get("name").asText().equals("fc1.weight")) {
                double zeros = l.get("sparsity").asDouble();
                assertTrue(zeros >= 0.5 && zeros < 0.52, l.toString());
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("compress-report.json")), "the report is kept with the checkpoint");
        CliRun eval = CliRun.of("eval", "--checkpoint", out.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
    }

    @Test
    void nothingToDoIsAUsageError() {
        CliRun c = CliRun.of("compress", "--checkpoint", ckpt.toString());
        assertEquals(2, c.exitCode(), c.toString());
        assertTrue(c.errorLine().contains("--prune, --quantize, --early-exit"), c.toString());
    }

    @Test
    void aBadPruneSpecNamesTheAcceptedForms() {
        CliRun c = CliRun.of("compress", "--checkpoint", ckpt.toString(), "--prune", "0.5:diagonal");
        assertEquals(2, c.exitCode(), c.toString());
        assertTrue(c.errorLine().contains("unstructured, global, structured or 2:4"), c.toString());
    }
}
