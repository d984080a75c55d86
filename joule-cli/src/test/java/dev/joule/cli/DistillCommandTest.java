package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code joule distill} on look-alike data: an MLP teacher, a minGRU student, a checkpoint that joule eval reads. */
class DistillCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void distilsAStudentWritesACheckpointAndComparesWithTheBaseline(@TempDir Path tmp) throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 100);
        Path teacher = tmp.resolve("teacher");
        CliRun train = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--epochs", "2", "--batch", "20", "--seed", "1", "--threads", "1", "--out", teacher.toString(), "--json");
        assertEquals(0, train.exitCode(), train.toString());
        Path student = tmp.resolve("student");
        CliRun distill = CliRun.of("distill", "--teacher", teacher.toString(), "--student", "mingru", "--hidden", "16", "--steps", "8",
                "--batch", "20", "--temperature", "3", "--alpha", "0.7", "--baseline", "--threads", "1",
                "--out", student.toString(), "--json");
        assertEquals(0, distill.exitCode(), distill.toString());
        JsonNode d = JSON.readTree(distill.out());
        assertEquals("mlp", d.get("teacherModel").asText());
        assertEquals(3.0, d.get("temperature").asDouble());
        assertEquals(8, d.get("distilled").get("steps").asLong());
        assertEquals(8, d.get("baseline").get("steps").asLong());
        assertTrue(d.get("distilled").get("accuracy").asDouble() >= 0, d.toString());

        CliRun eval = CliRun.of("eval", "--checkpoint", student.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode e = JSON.readTree(eval.out());
        assertEquals("mingru", e.get("model").asText());
        JsonNode config = JSON.readTree(student.resolve("config.json").toFile());
        assertEquals(16, config.get("model").get("hidden").asInt(), "the student shape option reaches the checkpoint");
        assertEquals(d.get("distilled").get("accuracy").asDouble(), e.get("accuracy").asDouble(), 1e-9);
    }

    @Test
    void anUnknownStudentIsAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.of("distill", "--teacher", tmp.toString(), "--student", "nope", "--out", tmp.resolve("o").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("unknown student 'nope'"), r.toString());
    }
}
