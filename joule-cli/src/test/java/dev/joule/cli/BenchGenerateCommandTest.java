package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code joule bench-generate} end to end on tiny settings (no timing assertions). */
class BenchGenerateCommandTest {

    @Test
    void jsonHasARowPerModelAndContextAndTheKvCacheGrowsWithTheContext(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gen.json");
        CliRun run = CliRun.of("bench-generate", "--models", "transformer,lstm", "--contexts", "8,16", "--tokens", "4",
                "--warmup", "1", "--threads", "1", "--min-seconds", "0", "--json", "--out", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals(o, new ObjectMapper().readTree(Files.readString(file)));
        assertEquals(16 + 1 + 4, o.get("settings").get("seqLen").asInt());
        JsonNode rows = o.get("rows");
        assertEquals(4, rows.size());
        for (JsonNode r : rows) {
            assertEquals(4, r.get("tokens").asInt(), r::toString);
            assertEquals(1, r.get("passes").asInt(), r::toString);
            assertTrue(r.get("tokensPerSecond").asDouble() > 0, r::toString);
            assertTrue(r.get("msPerTokenP50").asDouble() > 0, r::toString);
            assertFalse(r.get("energySource").asText().isEmpty(), r::toString);
            assertTrue(r.get("energyIsEstimate").isBoolean(), r::toString);
            assertEquals(r.get("stateFloats").asLong() * 4, r.get("stateBytes").asLong(), r::toString);
        }
        JsonNode t8 = row(rows, "transformer", 8);
        JsonNode t16 = row(rows, "transformer", 16);
        assertEquals("kv cache", t8.get("stateKind").asText());
        // Keys and values for every layer at every prompt position: doubling the context doubles the cache.
        assertEquals(2 * t8.get("stateFloats").asLong(), t16.get("stateFloats").asLong());
        JsonNode l8 = row(rows, "lstm", 8);
        assertEquals("recurrent state", l8.get("stateKind").asText());
        assertEquals(l8.get("stateFloats").asLong(), row(rows, "lstm", 16).get("stateFloats").asLong());
        assertTrue(l8.get("stateFloats").asLong() > 0);
    }

    @Test
    void tableAndUsageErrors() {
        CliRun table = CliRun.of("bench-generate", "--models", "mingru", "--contexts", "4", "--tokens", "2", "--warmup", "0", "--min-seconds", "0.05");
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.out().contains("mingru") && table.out().contains("J/token source"), table::toString);
        assertEquals(2, CliRun.of("bench-generate", "--models", "nope").exitCode());
        assertEquals(2, CliRun.of("bench-generate", "--models", "mlp", "--contexts", "4", "--tokens", "2").exitCode());
        assertEquals(2, CliRun.of("bench-generate", "--contexts", "0").exitCode());
    }

    private static JsonNode row(JsonNode rows, String model, int context) {
        for (JsonNode r : rows) {
            if (r.get("model").asText().equals(model) && r.get("context").asInt() == context) {
                return r;
            }
        }
        throw new AssertionError("no row " + model + " @ " + context + " in " + rows);
    }
}
