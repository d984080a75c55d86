package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.onnx.embed.FortuneSentences;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code bench-embed --variants headsP}: head pruning reached from the command line. */
class BenchEmbedHeadPruningTest {
    @Test
    void headsVariantRunsNarrowerWeightsWithItsFidelity() throws Exception {
        assumeTrue(Files.isDirectory(FortuneSentences.DIR), "fortunes package not installed");
        CliRun run = CliRun.of("bench-embed", "--sentences", "6", "--batch", "3", "--threads", "1",
                "--variants", "heads25", "--warmup", "0", "--no-onnxruntime", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode runs = new ObjectMapper().readTree(run.out()).get("runs");
        assertEquals(2, runs.size(), runs::toString);
        assertEquals("joule heads25", runs.get(1).get("engine").asText());
        double cos = runs.get(1).get("cosineMean").asDouble();
        assertTrue(cos < 0.9999 && cos > 0.7, runs::toString);
        // q, k, v and out lose a quarter each: 6 blocks x 4 x 384 x 96 f32 weights fewer (about 3.5 MB).
        long saved = runs.get(0).get("weightBytes").asLong() - runs.get(1).get("weightBytes").asLong();
        assertTrue(saved > 3_000_000L && saved < 4_500_000L, runs::toString);
    }

    @Test
    void headFractionOfAHundredIsAUsageError() {
        CliRun run = CliRun.of("bench-embed", "--sentences", "2", "--variants", "int8+heads100");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("headsP"), run::toString);
    }
}
