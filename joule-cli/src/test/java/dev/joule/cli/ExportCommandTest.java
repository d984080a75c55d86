package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train on look-alike Fashion-MNIST → export → the file runs in ONNX Runtime and in Joule's loader. */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path train(String model, String... shape) throws Exception {
        Path data = FakeData.fashionMnist(tmp.resolve("fm"), 100);
        Path out = tmp.resolve(model);
        String[] common = {"train", "--model", model, "--task", "fashion-mnist", "--data", data.toString(), "--epochs", "1",
                "--batch", "20", "--seed", "2", "--threads", "1", "--dropout", "0.1", "--out", out.toString(), "--json"};
        String[] args = new String[common.length + shape.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(shape, 0, args, common.length, shape.length);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.toString());
        return out;
    }

    /** Logits of ONNX Runtime for two blank images (the ORT session is the test's own, not the command's). */
    private static float[] ortLogits(Path onnx) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[2 * 28 * 28]), new long[] {2, 28, 28});
                OrtSession.Result r = s.run(Map.of("input", in))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            assertEquals(2, logits.length);
            assertEquals(10, logits[0].length);
            return logits[0];
        }
    }

    @Test
    void mlpCheckpointExportsAndOnnxRuntimeRunsIt() throws Exception {
        Path ckpt = train("mlp", "--hidden", "32");
        Path onnx = tmp.resolve("out").resolve("mlp.onnx");
        CliRun export = CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", onnx.toString(), "--json");
        assertEquals(0, export.exitCode(), export.toString());
        assertEquals(1, export.out().lines().count(), export.toString());
        JsonNode j = JSON.readTree(export.out());
        assertEquals("mlp", j.get("model").asText());
        assertEquals(17, j.get("opset").asInt());
        assertEquals(Files.size(onnx), j.get("bytes").asLong());
        assertEquals(8, j.get("onnxruntime").get("samples").asInt());
        assertTrue(j.get("onnxruntime").get("maxAbsDiff").asDouble() <= 1e-4, j.toString());
        assertTrue(j.get("onnxruntime").get("minCosine").asDouble() >= 0.9999, j.toString());
        assertEquals(28 * 28 * 32 + 32 + 32 * 10 + 10, j.get("parameters").asLong());
        assertTrue(Float.isFinite(ortLogits(onnx)[0]));
        assertEquals(1, OnnxModel.load(onnx).outputs().size());
    }

    @Test
    void int8ExportIsQdqAndAgreesWithJoulesInt8WeightOnlyInference() throws Exception {
        Path ckpt = train("transformer", "--d-model", "16", "--heads", "2", "--layers", "1");
        Path f32 = tmp.resolve("t32.onnx");
        Path int8 = tmp.resolve("t8.onnx");
        assertEquals(0, CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", f32.toString(), "--json").exitCode());
        CliRun export = CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", int8.toString(), "--int8", "--json");
        assertEquals(0, export.exitCode(), export.toString());
        JsonNode j = JSON.readTree(export.out());
        assertEquals("int8-qdq", j.get("weights").asText());
        assertTrue(j.get("onnxruntime").get("maxAbsDiff").asDouble() <= 1e-4, j.toString());
        assertTrue(j.get("onnxruntime").get("minCosine").asDouble() >= 0.9999, j.toString());
        assertTrue(Files.size(int8) < Files.size(f32), Files.size(int8) + " vs " + Files.size(f32));
        assertTrue(Float.isFinite(ortLogits(int8)[0]));
    }

    @Test
    void transformerCheckpointExportsWithTextSummary() throws Exception {
        Path ckpt = train("transformer", "--d-model", "16", "--heads", "2", "--layers", "1", "--ff-dim", "32");
        Path onnx = tmp.resolve("t.onnx");
        CliRun export = CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", onnx.toString());
        assertEquals(0, export.exitCode(), export.toString());
        assertTrue(export.out().contains("transformer (fashion-mnist"), export.out());
        assertTrue(export.out().contains("ONNX Runtime agrees with Joule on 8 random inputs"), export.out());
        assertTrue(Float.isFinite(ortLogits(onnx)[9]));
    }

    @Test
    void cnnCheckpointExportsAndOnnxRuntimeRunsIt() throws Exception {
        Path ckpt = train("cnn");
        Path onnx = tmp.resolve("cnn.onnx");
        CliRun export = CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", onnx.toString(), "--json");
        assertEquals(0, export.exitCode(), export.toString());
        assertTrue(JSON.readTree(export.out()).get("onnxruntime").get("minCosine").asDouble() >= 0.9999, export.out());
        assertTrue(Float.isFinite(ortLogits(onnx)[3]));
    }

    @Test
    void unsupportedModelIsAClearErrorAndWritesNothing() throws Exception {
        Path ckpt = train("gru", "--hidden", "16", "--layers", "1");
        Path onnx = tmp.resolve("gru.onnx");
        CliRun export = CliRun.of("export", "--checkpoint", ckpt.toString(), "--out", onnx.toString());
        assertEquals(1, export.exitCode(), export.toString());
        assertTrue(export.errorLine().contains("cannot export RecurrentNetwork"), export.toString());
        assertFalse(Files.exists(onnx));
    }

    @Test
    void missingOptionsAreUsageErrors() {
        assertEquals(2, CliRun.of("export", "--out", tmp.resolve("x.onnx").toString()).exitCode());
    }
}
