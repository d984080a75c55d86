package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tinyBudgetGivesARowPerModelWithPositiveNumbersAndFiles() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 64);
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("compare", "--data", data.toString(), "--models", "mlp,transformer", "--budget", "300ms",
                "--threads", "1", "--min-infer-seconds", "0", "--json", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        JsonNode rows = o.get("rows");
        assertEquals(2, rows.size(), o::toString);
        for (JsonNode r : rows) {
            for (String f : List.of("parameters", "steps", "trainSeconds", "macsPerInference", "countedMacsPerInference",
                    "analytic45nmJoulesPerInference", "p50LatencyMillis")) {
                assertTrue(r.get(f).asDouble() > 0, () -> f + " not positive in " + r);
            }
            assertEquals(64, r.get("inferences").asLong());
            double acc = r.get("accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, r::toString);
            assertFalse(r.get("trainSource").asText().isEmpty());
            assertFalse(r.get("inferenceSource").asText().isEmpty());
            assertTrue(r.get("joulesPerInference").isNumber(), r::toString);
        }
        assertEquals(1.0, rows.get(1).get("energyRatioToTransformer").asDouble(), 1e-9);
        assertTrue(Files.readString(out.resolve("compare.json")).contains("\"rows\""));
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals(CompareOutput.CSV_HEADER, csv.get(0));
        assertEquals(3, csv.size());
    }

    @Test
    void tableNamesUnitsAndSources() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 32);
        CliRun run = CliRun.of("compare", "--data", data.toString(), "--models", "mlp", "--budget", "100ms", "--threads", "1",
                "--min-infer-seconds", "0.2");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("kWh") && run.out().contains(" ms") && run.out().contains("J/inference source"), run::toString);
    }

    @Test
    void unknownModelIsAUsageErrorListingTheKnownOnes() {
        CliRun run = CliRun.of("compare", "--models", "mlp,nope", "--budget", "1s");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.errorLine().contains("nope") && run.errorLine().contains("mingru"), run::toString);
    }
}
