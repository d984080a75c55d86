package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.models.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tinyBudgetGivesARowPerModelWithPositiveNumbersAndAllThreeFiles() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 64);
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("compare", "--data", data.toString(), "--models", "mlp,transformer", "--budget", "300ms",
                "--threads", "1", "--min-infer-seconds", "0", "--json", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("image", o.get("settings").get("inferenceUnit").asText());
        assertEquals("accuracy", o.get("settings").get("metric").asText());
        JsonNode rows = o.get("rows");
        assertEquals(2, rows.size(), o::toString);
        for (JsonNode r : rows) {
            for (String f : List.of("parameters", "steps", "trainSeconds", "macsPerInference", "countedMacsPerInference",
                    "analytic45nmJoulesPerInference", "p50LatencyMillis", "learningRate", "inferences")) {
                assertTrue(r.get(f).asDouble() > 0, () -> f + " not positive in " + r);
            }
            assertEquals(0, r.get("acsPerInference").asLong());
            assertTrue(r.get("bpc").isNull(), r::toString);
            double acc = r.get("accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, r::toString);
            assertFalse(r.get("trainSource").asText().isEmpty());
            assertFalse(r.get("inferenceSource").asText().isEmpty());
            assertTrue(r.get("joulesPerInference").isNumber(), r::toString);
            assertTrue(r.get("paretoOptimal").isBoolean(), r::toString);
        }
        assertEquals(1.0, rows.get(1).get("energyRatioToTransformer").asDouble(), 1e-9);
        assertEquals((float) CompareDefaults.learningRate("mlp", "fashion-mnist"), rows.get(0).get("learningRate").floatValue());
        assertTrue(Files.readString(out.resolve("compare.json")).contains("\"rows\""));
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals(CompareOutput.CSV_HEADER, csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("mlp,") && csv.get(2).startsWith("transformer,"), csv::toString);
        String html = Files.readString(out.resolve("compare.html"));
        assertTrue(html.contains("<td class=\"model\">mlp") && html.contains("<td class=\"model\">transformer"), html);
        assertEquals(2, html.split("<g class=\"point", -1).length - 1, html);
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "the report fetches nothing");
    }

    @Test
    void withoutModelsItComparesTheTaskDefaults() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 32);
        CliRun run = CliRun.of("compare", "--data", data.toString(), "--budget", "50ms", "--threads", "1",
                "--min-infer-seconds", "0", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        List<String> models = new java.util.ArrayList<>();
        o.get("rows").forEach(r -> models.add(r.get("model").asText()));
        assertEquals(CompareDefaults.models("fashion-mnist"), models);
        assertEquals(String.join(",", models), o.get("settings").get("models").asText());
    }

    @Test
    void charLmReportsBitsPerCharacterPerTokenFigures() throws Exception {
        Path corpus = FakeData.corpus(tmp.resolve("text.txt"));
        Path out = tmp.resolve("lm");
        CliRun run = CliRun.of("compare", "--task", "char-lm", "--corpus", corpus.toString(), "--context", "16",
                "--models", "transformer,mingru", "--budget", "300ms", "--threads", "1", "--min-infer-seconds", "0",
                "--json", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("token", o.get("settings").get("inferenceUnit").asText());
        assertEquals("bpc", o.get("settings").get("metric").asText());
        for (JsonNode r : o.get("rows")) {
            double bpc = r.get("bpc").asDouble();
            assertTrue(bpc > 0 && bpc < 10, r::toString);
            assertEquals("token", r.get("inferenceUnit").asText());
            // A 16-token window's MACs spread over its tokens: well below one window's.
            assertTrue(r.get("macsPerInference").asLong() > 0, r::toString);
            assertTrue(r.get("inferences").asLong() % 16 == 0, r::toString);
        }
        assertTrue(o.get("rows").get(0).get("stateKind").asText().contains("kv"), o::toString);
        assertTrue(Files.readString(out.resolve("compare.html")).contains("bits per character"));
    }

    @Test
    void copyTaskGivesAnswerAccuracy() throws Exception {
        CliRun run = CliRun.of("compare", "--task", "copy", "--models", "mingru", "--limit", "256", "--budget", "200ms",
                "--threads", "1", "--min-infer-seconds", "0", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode r = new ObjectMapper().readTree(run.out()).get("rows").get(0);
        assertTrue(r.get("accuracy").asDouble() >= 0 && r.get("accuracy").asDouble() <= 1, r::toString);
        assertTrue(r.get("bpc").isNull(), r::toString);
        assertTrue(r.get("stateFloatsPerStream").asLong() > 0, r::toString);
    }

    @Test
    void tableNamesUnitsAndSources() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 32);
        CliRun run = CliRun.of("compare", "--data", data.toString(), "--models", "mlp", "--budget", "100ms", "--threads", "1",
                "--min-infer-seconds", "0.2");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("kWh") && run.out().contains(" ms") && run.out().contains("J/image source")
                && run.out().contains("ACs/image"), run::toString);
    }

    @Test
    void imageOnlyModelsOnATokenTaskAreAUsageErrorNamingThem() throws Exception {
        Path corpus = FakeData.corpus(tmp.resolve("text.txt"));
        CliRun run = CliRun.of("compare", "--task", "char-lm", "--corpus", corpus.toString(), "--models", "mlp,transformer,cnn",
                "--budget", "1s");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.errorLine().contains("mlp, cnn") && run.errorLine().contains("char-lm")
                && run.errorLine().contains("lstm"), run::toString);
    }

    @Test
    void unknownModelOrTaskIsAUsageErrorListingTheKnownOnes() {
        CliRun run = CliRun.of("compare", "--models", "mlp,nope", "--budget", "1s");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.errorLine().contains("nope") && run.errorLine().contains("mingru"), run::toString);
        CliRun task = CliRun.of("compare", "--task", "imagenet");
        assertEquals(2, task.exitCode(), task::toString);
        assertTrue(task.errorLine().contains("imagenet") && task.errorLine().contains("char-lm"), task::toString);
    }

    @Test
    void defaultModelsAreRegisteredCoverSixArchitecturesOnFashionMnistAndFitFifteenMinutes() {
        List<String> fm = CompareDefaults.models("fashion-mnist");
        assertTrue(ModelRegistry.names().containsAll(fm), fm::toString);
        assertTrue(fm.containsAll(List.of("transformer", "lstm", "gru", "mingru", "mamba")), fm::toString);
        // Training budgets alone leave at least a minute of the 15 for evaluation and measurements.
        assertTrue(CompareDefaults.FASHION_MNIST_MODELS.size() * CompareDefaults.FASHION_MNIST_BUDGET.toSeconds() <= 14 * 60);
        assertTrue(CompareDefaults.models("char-lm").containsAll(List.of("transformer", "lstm")));
        assertFalse(CompareDefaults.models("copy").contains("mlp"));
        assertEquals(2e-3f, CompareDefaults.learningRate("transformer", "fashion-mnist"));
        assertEquals(1e-3f, CompareDefaults.learningRate("transformer", "char-lm"));
        assertEquals(1e-2f, CompareDefaults.learningRate("lstm", "char-lm"));
        assertEquals(3e-3f, CompareDefaults.learningRate("lstm", "fashion-mnist"));
    }
}
