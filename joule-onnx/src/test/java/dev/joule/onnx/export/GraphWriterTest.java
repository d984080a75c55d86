package dev.joule.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.Value;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.graph.GraphLoader;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import dev.joule.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** all-MiniLM-L6-v2 imported into Joule and written back out runs in ONNX Runtime as the original does. */
class GraphWriterTest {
    private static final long[] IDS = {101, 1996, 4248, 2829, 4419, 1012, 102}; // [CLS] the quick brown fox . [SEP]
    private static byte[] original;
    private static ModelProto reexported;

    @BeforeAll
    static void export() {
        original = MiniLm.modelBytes();
        reexported = GraphWriter.reexport(original, MiniLm.MODEL_RESOURCE);
    }

    private static Map<String, long[]> feed() {
        Map<String, long[]> f = new HashMap<>();
        f.put("input_ids", IDS);
        f.put("attention_mask", new long[] {1, 1, 1, 1, 1, 1, 1});
        f.put("token_type_ids", new long[IDS.length]);
        return f;
    }

    private static float[] ort(byte[] model) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> in = new HashMap<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, opts)) {
                for (var e : feed().entrySet()) {
                    if (s.getInputNames().contains(e.getKey())) {
                        in.put(e.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(e.getValue()), new long[] {1, IDS.length}));
                    }
                }
                try (OrtSession.Result r = s.run(in)) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    float[] out = new float[fb.remaining()];
                    fb.get(out);
                    return out;
                }
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void reexportedMiniLmRunsInOnnxRuntimeWithTheOriginalOutputs() throws Exception {
        float[] expected = ort(original);
        float[] actual = ort(reexported.toByteArray());
        ExportCheck.Agreement a = ExportCheck.agreement(Tensor.of(expected, IDS.length, expected.length / IDS.length), actual);
        System.out.printf("minilm re-export in ORT: max |diff| %.3e, 1 - min cosine %.3e over %d tokens%n",
                a.maxAbsDiff(), 1 - a.minCosine(), a.rows());
        assertEquals(384, a.cols());
        assertTrue(a.maxAbsDiff() <= 1e-4, "max |diff| " + a.maxAbsDiff());
        assertTrue(a.minCosine() >= 0.9999, "min cosine " + a.minCosine());

        Map<String, Value> in = new HashMap<>();
        feed().forEach((k, v) -> in.put(k, IntValue.int64(v, 1, IDS.length)));
        OnnxModel again = OnnxModel.load(reexported.toByteArray(), "re-exported");
        Map<String, Integer> fused = OnnxModel.load(original, "original").opCounts();
        System.out.println("minilm re-export re-imported: " + again.opCounts());
        assertEquals(fused, again.opCounts(), "the fusions fire on the re-exported graph as on the original");
        float[] joule = ((FloatValue) again.run(in).get("last_hidden_state")).toArray();
        ExportCheck.Agreement j = ExportCheck.agreement(Tensor.of(expected, IDS.length, 384), joule);
        assertTrue(j.minCosine() >= 0.9999 && j.maxAbsDiff() <= 1e-4, j.toString());
    }

    @Test
    void foldedGraphIsSmallerAndItsWeightsAreRaw() throws Exception {
        ModelProto source = ModelProto.parseFrom(original);
        System.out.printf("minilm re-export: %d nodes (file: %d), %d initializers (file: %d)%n",
                reexported.getGraph().getNodeCount(), source.getGraph().getNodeCount(),
                reexported.getGraph().getInitializerCount(), source.getGraph().getInitializerCount());
        assertTrue(reexported.getGraph().getNodeCount() < source.getGraph().getNodeCount(),
                reexported.getGraph().getNodeCount() + " vs " + source.getGraph().getNodeCount());
        assertEquals(source.getOpsetImport(0).getVersion(), reexported.getOpsetImport(0).getVersion());
        for (TensorProto t : reexported.getGraph().getInitializerList()) {
            assertTrue(t.hasRawData(), t.getName());
        }
    }

    @Test
    void fusedGraphIsRefusedWithTheNodeNamed() {
        var fused = GraphLoader.load(original, "minilm", null, true);
        OnnxException e = assertThrows(OnnxException.class, () -> GraphWriter.write(fused, "minilm"));
        assertTrue(e.getMessage().contains("joule.") && e.getMessage().contains("fuse = false"), e.getMessage());
    }
}
