package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code joule gate} passes a checkpoint inside its limits and fails, naming each missed limit, outside them. */
class GateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path ckpt;
    private static Path untrained;
    private static double joules;

    @BeforeAll
    static void trainAndMeasure() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 100);
        ckpt = tmp.resolve("mlp");
        CliRun train = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--epochs", "1", "--batch", "20", "--seed", "1", "--threads", "1", "--out", ckpt.toString(), "--json");
        assertEquals(0, train.exitCode(), train.toString());
        // One step at a vanishing rate: an untrained classifier, far below a 95 % accuracy limit.
        untrained = tmp.resolve("untrained");
        CliRun raw = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--steps", "1", "--lr", "1e-12", "--batch", "20", "--seed", "1", "--threads", "1", "--out", untrained.toString(), "--json");
        assertEquals(0, raw.exitCode(), raw.toString());
        CliRun gate = CliRun.of("gate", "--checkpoint", ckpt.toString(), "--min-accuracy", "0", "--min-infer-seconds", "0.2", "--json");
        assertEquals(0, gate.exitCode(), gate.toString());
        JsonNode g = JSON.readTree(gate.out());
        assertTrue(g.get("passed").asBoolean(), g.toString());
        joules = g.get("joulesPerInference").asDouble();
        assertTrue(joules > 0, "a forward pass costs energy: " + g);
        assertFalse(g.get("energySource").asText().isEmpty(), g.toString());
    }

    @Test
    void missedAccuracyAndEnergyExitOneWithEachReason() throws Exception {
        CliRun gate = CliRun.of("gate", "--checkpoint", untrained.toString(), "--min-accuracy", "0.95",
                "--max-joules-per-inference", String.valueOf(joules / 1000), "--min-infer-seconds", "0.2", "--json");
        assertEquals(1, gate.exitCode(), gate.toString());
        JsonNode g = JSON.readTree(gate.out());
        assertFalse(g.get("passed").asBoolean());
        assertEquals(2, g.get("failures").size(), g.toString());
        assertTrue(g.get("failures").get(0).asText().contains("below the minimum"), g.toString());
        assertTrue(g.get("failures").get(1).asText().contains("above the maximum"), g.toString());
    }

    @Test
    void generousLimitsPassInText() {
        CliRun gate = CliRun.of("gate", "--checkpoint", ckpt.toString(), "--min-accuracy", "0",
                "--max-joules-per-inference", String.valueOf(joules * 1000), "--min-infer-seconds", "0.2");
        assertEquals(0, gate.exitCode(), gate.toString());
        assertTrue(gate.out().contains("gate passed") && gate.out().contains("per image"), gate.out());
    }

    @Test
    void noLimitIsAUsageError() {
        CliRun gate = CliRun.of("gate", "--checkpoint", ckpt.toString());
        assertEquals(2, gate.exitCode(), gate.toString());
        assertTrue(gate.errorLine().contains("at least one limit"), gate.toString());
    }
}
