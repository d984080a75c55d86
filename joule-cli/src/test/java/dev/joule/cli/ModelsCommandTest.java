package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.models.ModelRegistry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {

    @Test
    void fashionMnistJsonHasEveryRegisteredModelWithPositiveSizes() throws Exception {
        JsonNode o = json("models", "--json");
        Set<String> seen = new HashSet<>();
        for (JsonNode r : o.get("models")) {
            seen.add(r.get("model").asText());
            assertTrue(r.get("parameters").asLong() > 0, r::toString);
            assertTrue(r.get("macsPerInference").asLong() > 0, r::toString);
        }
        assertEquals(new HashSet<>(ModelRegistry.names()), seen);
        JsonNode mingru = row(o, "mingru");
        assertTrue(mingru.get("stateFloatsPerStream").asLong() > 0, mingru::toString);
        assertTrue(row(o, "mlp").get("stateFloatsPerStream").isNull());
    }

    @Test
    void charLmListsTheTokenModelsWithAKvCacheForTheTransformer() throws Exception {
        JsonNode o = json("models", "--task", "char-lm", "--json");
        assertTrue(o.get("vocabSize").asInt() > 0);
        for (JsonNode r : o.get("models")) {
            assertTrue(r.get("parameters").asLong() > 0 && r.get("macsPerInference").asLong() > 0, r::toString);
        }
        assertEquals("kv cache (full context)", row(o, "transformer").get("stateKind").asText());
        // The sparse pattern's last position reads its window and strided summary blocks: 4 of 8 blocks at 128.
        JsonNode sparse = row(o, "sparse-transformer");
        assertEquals(row(o, "transformer").get("stateFloatsPerStream").asLong() / 2, sparse.get("stateFloatsPerStream").asLong(),
                sparse::toString);
        assertTrue(sparse.get("stateKind").asText().startsWith("kv cache, window + strided keys"), sparse::toString);
    }

    @Test
    void spikingModelsReportAccumulates() throws Exception {
        JsonNode o = json("models", "--json");
        assertTrue(row(o, "snn").get("acsPerInference").asLong() > 0);
        assertTrue(row(o, "csnn").get("acsPerInference").asLong() > 0);
        assertEquals(0, row(o, "lstm").get("acsPerInference").asLong());
    }

    @Test
    void tableAndBadTask() {
        CliRun table = CliRun.of("models");
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.out().contains("transformer"), table::toString);
        assertEquals(2, CliRun.of("models", "--task", "copy").exitCode());
    }

    private static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run::toString);
        return new ObjectMapper().readTree(run.out());
    }

    private static JsonNode row(JsonNode o, String name) {
        for (JsonNode r : o.get("models")) {
            if (r.get("model").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no row for " + name + " in " + o);
    }
}
