package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train -> eval -> generate through the real CLI on small data. */
class TrainCliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void trainMlpThenEvalGivesTheSameAccuracy() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 200);
        Path out = tmp.resolve("mlp");
        CliRun train = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--epochs", "2", "--batch", "20", "--hidden", "64", "--seed", "3", "--threads", "1", "--out", out.toString(), "--json");
        assertEquals(0, train.exitCode(), train.toString());
        assertEquals(1, train.out().lines().count(), "exactly one line on stdout: " + train);
        JsonNode t = JSON.readTree(train.out());
        assertEquals(20, t.get("steps").asInt());
        assertTrue(t.get("accuracy").asDouble() > 0.5, "the look-alike data is easy: " + t);
        assertTrue(t.get("seconds").asDouble() > 0 && t.get("samplesPerSecond").asDouble() > 0);
        assertTrue(train.err().contains("eval @ step 10"), "evaluates each epoch: " + train.err());

        CliRun eval = CliRun.of("eval", "--checkpoint", out.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode e = JSON.readTree(eval.out());
        assertEquals(t.get("accuracy").asDouble(), e.get("accuracy").asDouble());
        assertEquals(t.get("loss").asDouble(), e.get("loss").asDouble());
        assertEquals(200, e.get("targets").asInt());
    }

    @Test
    void charLmTrainsEvaluatesAndGenerates() throws Exception {
        Path corpus = FakeData.corpus(tmp.resolve("text.txt"));
        Path out = tmp.resolve("lm");
        CliRun train = CliRun.of("train", "--model", "transformer", "--task", "char-lm", "--corpus", corpus.toString(),
                "--steps", "4", "--batch", "4", "--context", "16", "--d-model", "16", "--heads", "2", "--layers", "1",
                "--ff-dim", "32", "--out", out.toString(), "--json");
        assertEquals(0, train.exitCode(), train.toString());
        JsonNode t = JSON.readTree(train.out());
        assertEquals(t.get("loss").asDouble() / Math.log(2), t.get("bpc").asDouble(), 1e-9);
        int chars = Files.readString(corpus).length();
        int validation = chars - (int) (chars * 0.9);
        assertEquals(validation - 1, t.get("evalTargets").asInt(), "every validation character but the first is predicted");

        CliRun eval = CliRun.of("eval", "--checkpoint", out.toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
        assertEquals(t.get("bpc").asDouble(), JSON.readTree(eval.out()).get("bpc").asDouble());

        CliRun gen = CliRun.of("generate", "--checkpoint", out.toString(), "--prompt", "the ", "--tokens", "30", "--seed", "4");
        assertEquals(0, gen.exitCode(), gen.toString());
        assertTrue(gen.out().startsWith("the ") && gen.out().endsWith("\n"), gen.out());
        String text = gen.out().substring(0, gen.out().length() - 1);
        assertEquals(4 + 30, text.codePointCount(0, text.length()), gen.out());
        assertEquals(gen.out(), CliRun.of("generate", "--checkpoint", out.toString(), "--prompt", "the ", "--tokens", "30", "--seed", "4").out());

        CliRun bad = CliRun.of("generate", "--checkpoint", out.toString(), "--prompt", "Zebra");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.errorLine().contains("'Z'"), bad.toString());
    }

    @Test
    void interruptedRunResumedFromTheCliMatchesAnUninterruptedOne() throws Exception {
        String[] common = {"train", "--model", "transformer", "--task", "copy", "--steps", "6", "--batch", "8",
            "--d-model", "16", "--heads", "2", "--layers", "1", "--ff-dim", "32", "--seed", "9", "--threads", "1", "--limit", "64"};
        Path whole = tmp.resolve("whole");
        assertEquals(0, CliRun.of(concat(common, "--out", whole.toString())).exitCode());

        Path split = tmp.resolve("split");
        CliRun first = CliRun.of(concat(common, "--out", split.toString(), "--max-seconds", "0", "--json"));
        assertEquals(0, first.exitCode(), first.toString());
        JsonNode f = JSON.readTree(first.out());
        assertEquals(1, f.get("steps").asInt());
        assertTrue(f.get("stoppedEarly").asBoolean());

        CliRun resumed = CliRun.of("train", "--resume", "--out", split.toString(), "--json");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals(6, JSON.readTree(resumed.out()).get("steps").asInt());
        assertArrayEquals(losses(whole), losses(split));
    }

    private static double[] losses(Path ckpt) throws Exception {
        JsonNode l = JSON.readTree(Files.readString(ckpt.resolve("trainer.json"))).get("losses");
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = l.get(i).asDouble();
        }
        return d;
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
