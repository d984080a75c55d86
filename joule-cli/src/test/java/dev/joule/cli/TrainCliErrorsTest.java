package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure the issue names gives one clear line on stderr and the right exit code. */
class TrainCliErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void unknownModelIsAUsageError() {
        CliRun r = CliRun.of("train", "--model", "xyz", "--task", "copy");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("unknown model 'xyz'") && r.errorLine().contains("mlp, transformer"), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void unknownTaskIsAUsageError() {
        CliRun r = CliRun.of("train", "--model", "mlp", "--task", "imagenet");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("unknown task 'imagenet'") && r.errorLine().contains("fashion-mnist"), r.toString());
    }

    @Test
    void missingDataSetNamesTheInstallCommand() {
        CliRun r = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", tmp.resolve("none").toString(), "--json");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("Fashion-MNIST not found in") && r.errorLine().contains("apt-get install dataset-fashion-mnist"), r.toString());
        assertEquals("", r.out(), "--json prints nothing on failure");
    }

    @Test
    void corruptIdxNamesTheFile() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 20);
        byte[] gz = Files.readAllBytes(data.resolve("train-images-idx3-ubyte.gz"));
        Files.write(data.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(gz, gz.length / 3));
        CliRun r = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("train-images-idx3-ubyte.gz"), r.toString());
        assertEquals(2, r.err().lines().count(), "one error line plus the --verbose hint: " + r);
    }

    @Test
    void corruptSafetensorsIsOneLine() throws Exception {
        Path ckpt = trainSmallMlp();
        Path weights = ckpt.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        CliRun r = CliRun.of("eval", "--checkpoint", ckpt.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("model.safetensors") && r.errorLine().contains("out of range"), r.toString());
    }

    @Test
    void checkpointShapeMismatchNamesTensorAndShapes() throws Exception {
        Path ckpt = trainSmallMlp();
        Path config = ckpt.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"hidden\" : 32", "\"hidden\" : 48"));
        CliRun r = CliRun.of("eval", "--checkpoint", ckpt.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("has shape [32, 784]") && r.errorLine().contains("expects [48, 784]"), r.toString());
    }

    @Test
    void missingCheckpoint() {
        CliRun r = CliRun.of("eval", "--checkpoint", tmp.resolve("nothing").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("no checkpoint in"), r.toString());
    }

    @Test
    void existingCheckpointNeedsResume() throws Exception {
        Path ckpt = trainSmallMlp();
        CliRun r = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", tmp.resolve("fm").toString(),
                "--out", ckpt.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("--resume"), r.toString());
    }

    @Test
    void generateNeedsACharLmCheckpoint() throws Exception {
        Path ckpt = trainSmallMlp();
        CliRun r = CliRun.of("generate", "--checkpoint", ckpt.toString(), "--prompt", "hi");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains("char-lm"), r.toString());
    }

    private Path trainSmallMlp() throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 20);
        Path out = tmp.resolve("ckpt");
        CliRun r = CliRun.of("train", "--model", "mlp", "--task", "fashion-mnist", "--data", data.toString(),
                "--steps", "2", "--batch", "10", "--hidden", "32", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }
}
