package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest {
    @TempDir
    Path tmp;

    @Test
    void jsonHasOneUnitVectorPerLineOfTheFileAndSimilarSentencesAreClose() throws Exception {
        Path file = tmp.resolve("s.txt");
        Files.writeString(file, "A cat sits on the mat.\n\nA kitten is sitting on a rug.\nStock markets fell sharply today.\n");
        CliRun run = CliRun.of("embed", "--model", "minilm", "--file", file.toString(), "--json", "--threads", "1");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals(384, o.get("dimension").asInt());
        JsonNode items = o.get("embeddings");
        assertEquals(3, items.size());
        double[][] v = new double[3][384];
        for (int i = 0; i < 3; i++) {
            JsonNode e = items.get(i).get("embedding");
            assertEquals(384, e.size());
            double norm = 0;
            for (int j = 0; j < 384; j++) {
                v[i][j] = e.get(j).asDouble();
                norm += v[i][j] * v[i][j];
            }
            assertEquals(1.0, norm, 1e-4);
        }
        assertEquals("A kitten is sitting on a rug.", items.get(1).get("text").asText());
        assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]) + 0.2, "cat/kitten should be closer than cat/markets");
    }

    @Test
    void textAndFileTogetherIsAUsageError() {
        CliRun run = CliRun.of("embed", "--file", "x.txt", "some text");
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(2, CliRun.of("embed").exitCode());
        assertEquals(2, CliRun.of("embed", "--model", "bert-large", "hi").exitCode());
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
