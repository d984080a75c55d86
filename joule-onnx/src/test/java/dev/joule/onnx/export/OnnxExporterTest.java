package dev.joule.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Init;
import dev.joule.nn.Model;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import dev.joule.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported classifiers run in ONNX Runtime and in Joule's own ONNX loader with Joule's outputs. */
class OnnxExporterTest {
    private static final double MAX_ABS = 1e-4;
    private static final double MIN_COSINE = 0.9999;

    static Model mlp() {
        return perturbed(ModelRegistry.create(
                new ModelConfig("mlp", ModelConfig.FASHION_MNIST, 28, 28, 0, 10, 0, 0, 1, 0, 32, 0f), 7));
    }

    /** Dropout 0.1 so that a graph with dropout in it, or a model left in training mode, would show. */
    static Model transformer() {
        return perturbed(ModelRegistry.create(
                new ModelConfig("transformer", ModelConfig.FASHION_MNIST, 28, 28, 0, 10, 16, 2, 2, 32, 0, 0.1f), 11));
    }

    /**
     * Noise on every parameter: layer norms start at ones and zeros and attention biases at zero, which
     * would hide a swapped scale and shift or a dropped bias.
     */
    private static Model perturbed(Model m) {
        SplittableRandom rng = new SplittableRandom(3);
        for (Var p : m.namedParameters().values()) {
            Tensor t = p.value();
            Tensor noise = Init.normal(rng, 0.1f, t.size());
            for (int i = 0; i < t.size(); i++) {
                t.data()[t.offset() + i] += noise.data()[i];
            }
        }
        return m;
    }

    private static Tensor images(int batch, long seed) {
        return Init.uniform(new SplittableRandom(seed), 1f, batch, 28, 28);
    }

    private static void assertAgrees(ExportCheck.Agreement a) {
        System.out.printf("export agreement: %d rows, max |diff| %.3g, 1 - min cosine %.3g%n", a.rows(), a.maxAbsDiff(),
                1 - a.minCosine());
        assertTrue(a.maxAbsDiff() <= MAX_ABS, "max |diff| " + a.maxAbsDiff());
        assertTrue(a.minCosine() >= MIN_COSINE, "min cosine " + a.minCosine());
    }

    private static void assertSameInOrtAndJoule(Model model) {
        byte[] onnx = OnnxExporter.toBytes(model);
        for (int batch : new int[] {5, 1}) {
            Tensor x = images(batch, 100 + batch);
            ExportCheck.Agreement ort = ExportCheck.compare(model, onnx, x);
            assertEquals(batch, ort.rows());
            assertEquals(10, ort.cols());
            assertAgrees(ort);

            Tensor expected = ExportCheck.jouleOutput(model, x);
            for (boolean fuse : new boolean[] {true, false}) {
                OnnxModel reimported = OnnxModel.load(onnx, "exported", fuse);
                if (fuse && batch == 1) {
                    System.out.println("re-imported ops after fusion: " + reimported.opCounts());
                }
                float[] out = ((FloatValue) reimported.run(Map.of(ClassifierGraphs.INPUT, new FloatValue(x)))
                        .get(ClassifierGraphs.OUTPUT)).toArray();
                assertAgrees(ExportCheck.agreement(expected, out));
            }
        }
    }

    @Test
    void mlpRunsInOnnxRuntimeAndJouleWithJoulesOutputs() {
        assertSameInOrtAndJoule(mlp());
    }

    @Test
    void transformerRunsInOnnxRuntimeAndJouleWithJoulesOutputs() {
        Model model = transformer();
        assertSameInOrtAndJoule(model);
        // Joule's loader fuses its own export: mask-less attention, GELU and every linear.
        Map<String, Integer> ops = OnnxModel.load(OnnxExporter.toBytes(model), "exported").opCounts();
        assertEquals(2, ops.get("joule.Attention"), ops.toString());
        assertEquals(2, ops.get("joule.Gelu"), ops.toString());
        assertEquals(13, ops.get("joule.Linear"), ops.toString());
        assertEquals(null, ops.get("Softmax"), ops.toString());
    }

    @Test
    void fileDeclaresOpset17WithRawLittleEndianWeights() throws Exception {
        ModelProto m = ModelProto.parseFrom(OnnxExporter.toBytes(transformer()));
        assertEquals(OnnxExporter.IR_VERSION, m.getIrVersion());
        assertEquals(1, m.getOpsetImportCount());
        assertEquals(OnnxExporter.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals("logits", m.getGraph().getOutput(0).getName());
        assertTrue(m.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("LayerNormalization")));
        for (TensorProto t : m.getGraph().getInitializerList()) {
            assertTrue(t.hasRawData(), t.getName());
            assertEquals(0, t.getFloatDataCount() + t.getInt64DataCount(), t.getName());
        }
        // 16 x 28 embedding weight, stored transposed for MatMul: first row of the file = first column of Joule's.
        Model model = transformer();
        Tensor w = model.namedParameters().get("embed.weight").value();
        TensorProto embed = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("embed.weight")).findFirst().orElseThrow();
        assertArrayEquals(new Object[] {28L, 16L}, embed.getDimsList().toArray());
        float first = java.nio.ByteBuffer.wrap(embed.getRawData().toByteArray())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(4);
        assertEquals(w.data()[w.offset() + 28], first); // element [1][0] of Joule's [16, 28] weight
    }

    @Test
    void sameModelGivesTheSameBytes() {
        assertArrayEquals(OnnxExporter.toBytes(transformer()), OnnxExporter.toBytes(transformer()));
        assertArrayEquals(OnnxExporter.toBytes(mlp()), OnnxExporter.toBytes(mlp()));
    }

    @Test
    void writeIsAtomicAndTheFileLoads(@TempDir Path dir) throws Exception {
        Model model = mlp();
        Path out = dir.resolve("sub").resolve("mlp.onnx");
        Files.createDirectories(out.getParent());
        long bytes = OnnxExporter.write(model, out);
        assertEquals(Files.size(out), bytes);
        assertArrayEquals(OnnxExporter.toBytes(model), Files.readAllBytes(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        assertEquals(17, OnnxModel.load(out).opset());
    }

    @Test
    void cnnRunsInOnnxRuntimeWithJoulesOutputs() {
        ModelConfig cfg = ModelConfig.defaults("cnn", ModelConfig.FASHION_MNIST, 28, 28, 0, 10);
        Model cnn = perturbed(ModelRegistry.create(cfg, 5));
        byte[] onnx = OnnxExporter.toBytes(cnn, cfg);
        for (int batch : new int[] {3, 1}) {
            ExportCheck.Agreement a = ExportCheck.compare(cnn, onnx, images(batch, 7 + batch));
            assertEquals(batch, a.rows());
            assertAgrees(a);
        }
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxExporter.export(cnn));
        assertTrue(e.getMessage().contains("ModelConfig"), e.getMessage());
    }

    @Test
    void unsupportedModelsAreNamed() {
        ModelConfig gruCfg = ModelConfig.defaults("gru", ModelConfig.FASHION_MNIST, 28, 28, 0, 10);
        Model gru = ModelRegistry.create(gruCfg, 1);
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxExporter.export(gru, gruCfg));
        assertTrue(e.getMessage().contains("RecurrentNetwork") && e.getMessage().contains("mlp"), e.getMessage());

        ModelConfig other = ModelConfig.defaults("mlp", ModelConfig.FASHION_MNIST, 28, 28, 0, 10);
        OnnxException wrongConfig = assertThrows(OnnxException.class, () -> OnnxExporter.export(mlp(), other));
        assertTrue(wrongConfig.getMessage().contains("not from the config given"), wrongConfig.getMessage());

        Model sparse = ModelRegistry.create(
                ModelConfig.defaults("sparse-transformer", ModelConfig.FASHION_MNIST, 28, 28, 0, 10), 1);
        OnnxException s = assertThrows(OnnxException.class, () -> OnnxExporter.export(sparse));
        assertTrue(s.getMessage().contains("sparse-transformer"), s.getMessage());
    }
}
