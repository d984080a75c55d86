package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.onnx.embed.FortuneSentences;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class BenchEmbedCommandTest {
    @Test
    void bothEnginesRunOnTheSameSentencesAndAgree() throws Exception {
        assumeTrue(Files.isDirectory(FortuneSentences.DIR), "fortunes package not installed");
        CliRun run = CliRun.of("bench-embed", "--sentences", "8", "--batch", "4", "--threads", "1", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertTrue(o.get("cosineMin").asDouble() >= 0.9999, o::toString);
        JsonNode runs = o.get("runs");
        assertEquals(2, runs.size());
        assertEquals("joule", runs.get(0).get("engine").asText());
        assertEquals("onnxruntime", runs.get(1).get("engine").asText());
        for (JsonNode r : runs) {
            assertEquals(4, r.get("batch").asInt());
            assertTrue(r.get("sentencesPerSecond").asDouble() > 0, r::toString);
            assertTrue(r.get("joulesPerSentence").asDouble() >= 0, r::toString);
            // MiniLM's 90 MB of f32 weights stay on the heap through both engines' passes.
            assertTrue(r.get("peakHeapBytes").asLong() >= r.get("startHeapBytes").asLong(), r::toString);
            assertTrue(r.get("peakHeapBytes").asLong() > 80_000_000L, r::toString);
            assertTrue(r.get("peakLiveHeapBytes").asLong() == -1
                    || r.get("peakLiveHeapBytes").asLong() <= r.get("peakHeapBytes").asLong(), r::toString);
            if (o.get("processPeakRssBytes").asLong() > 0) {
                assertTrue(r.get("peakRssBytes").asLong() >= r.get("startRssBytes").asLong(), r::toString);
                assertTrue(o.get("processPeakRssBytes").asLong() >= r.get("peakRssBytes").asLong(), r::toString);
            }
        }
    }

    @Test
    void pairedRoundsTimeOneVariantAgainstItsOnnxRuntimeCounterpart() throws Exception {
        assumeTrue(Files.isDirectory(FortuneSentences.DIR), "fortunes package not installed");
        CliRun run = CliRun.of("bench-embed", "--sentences", "12", "--batch", "1,4", "--threads", "1",
                "--variants", "int8", "--paired", "3", "--warmup", "0", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("joule int8", o.get("joule").asText());
        assertEquals("onnxruntime int8", o.get("onnxruntime").asText(), "a compressed variant meets the -q model");
        assertEquals(3, o.get("rounds").asInt());
        JsonNode batches = o.get("batches");
        assertEquals(2, batches.size());
        for (JsonNode b : batches) {
            assertEquals(3, b.get("jouleSentencesPerSecond").size(), b::toString);
            assertEquals(3, b.get("ortSentencesPerSecond").size(), b::toString);
            for (int i = 0; i < 3; i++) {
                assertTrue(b.get("jouleSentencesPerSecond").get(i).asDouble() > 0, b::toString);
                assertTrue(b.get("ortSentencesPerSecond").get(i).asDouble() > 0, b::toString);
            }
            assertTrue(b.get("speedRatioMedian").asDouble() > 0, b::toString);
        }
    }

    @Test
    void pairedNeedsOneVariantAndAtLeastTwoRounds() {
        CliRun none = CliRun.of("bench-embed", "--sentences", "4", "--paired", "2");
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("exactly one --variants"), none::toString);
        CliRun one = CliRun.of("bench-embed", "--sentences", "4", "--variants", "int8", "--paired", "1");
        assertEquals(2, one.exitCode(), one::toString);
        assertTrue(one.err().contains("2 to --sentences"), one::toString);
    }

    @Test
    void pairedSlicesCoverEverySentenceOnceWithTheSameMixPerRound() {
        java.util.List<String> text = java.util.List.of("a", "b", "c", "d", "e", "f", "g");
        assertEquals(java.util.List.of("a", "d", "g"), BenchEmbedPaired.slice(text, 0, 3));
        assertEquals(java.util.List.of("b", "e"), BenchEmbedPaired.slice(text, 1, 3));
        assertEquals(java.util.List.of("c", "f"), BenchEmbedPaired.slice(text, 2, 3));
        assertEquals(2.5, BenchEmbedPaired.median(new double[] {4, 1, 2, 3}), 0);
        assertEquals(2.0, BenchEmbedPaired.median(new double[] {3, 1, 2}), 0);
    }

    @Test
    void variantsRunBesideBothOnnxRuntimeModelsWithFidelity() throws Exception {
        assumeTrue(Files.isDirectory(FortuneSentences.DIR), "fortunes package not installed");
        CliRun run = CliRun.of("bench-embed", "--sentences", "12", "--batch", "4", "--threads", "1",
                "--variants", "int8-weight", "--warmup", "0", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode runs = new ObjectMapper().readTree(run.out()).get("runs");
        assertEquals(4, runs.size(), runs::toString);
        assertEquals(5, new ObjectMapper().readTree(run.out()).get("rounds").asInt(), run::toString);
        assertEquals("joule f32", runs.get(0).get("engine").asText());
        assertEquals("joule int8-weight", runs.get(1).get("engine").asText());
        assertEquals("onnxruntime", runs.get(2).get("engine").asText());
        assertEquals("onnxruntime int8", runs.get(3).get("engine").asText());
        assertEquals(1.0, runs.get(0).get("cosineMean").asDouble(), 1e-9);
        assertTrue(runs.get(1).get("cosineMin").asDouble() > 0.99, runs::toString);
        assertTrue(runs.get(2).get("cosineMin").asDouble() >= 0.9999, runs::toString);
        assertTrue(runs.get(3).get("cosineMin").asDouble() > 0.9, runs::toString);
        assertEquals(1.0, runs.get(3).get("cpuRelativeToOrtInt8").asDouble(), 1e-9);
        // int8 codes plus per-channel scales: about a quarter of the f32 packed panels.
        assertTrue(runs.get(1).get("weightBytes").asLong() * 3 < runs.get(0).get("weightBytes").asLong(), runs::toString);
    }

    @Test
    void unknownVariantIsAUsageError() {
        CliRun run = CliRun.of("bench-embed", "--sentences", "2", "--variants", "int3");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("int8-weight"), run::toString);
    }
}
