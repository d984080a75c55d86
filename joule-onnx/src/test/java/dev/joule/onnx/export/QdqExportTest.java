package dev.joule.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.nn.Init;
import dev.joule.nn.Model;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.NodeProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import dev.joule.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * int8 QDQ export: ONNX Runtime runs the file with the outputs of Joule's own int8 weight-only
 * inference (same per-channel codes and scales), and the file holds int8 codes, not f32 weights.
 */
class QdqExportTest {

    @Test
    void mlpRunsInOnnxRuntimeAsJoulesInt8WeightOnlyModel() {
        check(OnnxExporterTest.mlp(), 2, 0.3);
    }

    @Test
    void transformerRunsInOnnxRuntimeAsJoulesInt8WeightOnlyModel() {
        // embed, 2 × (q, k, v, out, up, down), head
        // A small model: positions, norms and biases stay f32, so the file shrinks less.
        check(OnnxExporterTest.transformer(), 14, 0.8);
    }

    private static void check(Model model, int quantizedLayers, double maxSizeRatio) {
        ModelProto qdq = OnnxExporter.export(model, OnnxExporter.Weights.INT8_QDQ);
        byte[] bytes = qdq.toByteArray();
        long dq = qdq.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("DequantizeLinear")).count();
        assertEquals(quantizedLayers, dq);
        long int8 = qdq.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getName().endsWith("_quantized")).count();
        assertEquals(quantizedLayers, int8);
        int f32Bytes = OnnxExporter.toBytes(model).length;
        assertTrue(bytes.length < maxSizeRatio * f32Bytes, "int8 file " + bytes.length + " bytes, f32 " + f32Bytes);
        checkCodesMatchJoule(model, qdq);

        Tensor x = Init.uniform(new SplittableRandom(5), 1f, 6, 28, 28);
        Tensor f32 = ExportCheck.jouleOutput(model, x);
        List<String> names = Int8WeightForms.attachWeightOnly(model, qdq);
        try {
            assertEquals(quantizedLayers, names.size());
            ExportCheck.Agreement a = ExportCheck.compare(model, bytes, x);
            System.out.printf("QDQ export vs Joule int8 weight-only: max |diff| %.3g, 1 - min cosine %.3g%n",
                    a.maxAbsDiff(), 1 - a.minCosine());
            assertTrue(a.maxAbsDiff() <= 1e-4, "max |diff| " + a.maxAbsDiff());
            assertTrue(a.minCosine() >= 0.9999, "min cosine " + a.minCosine());
            // Joule's own loader reads the file back: DequantizeLinear folds at load, the linears fuse.
            OnnxModel reimported = OnnxModel.load(bytes, "qdq");
            assertTrue(!reimported.opCounts().containsKey("DequantizeLinear"), reimported.opCounts().toString());
            float[] joule = ((FloatValue) reimported.run(Map.of("input", new FloatValue(x))).values().iterator().next()).toArray();
            ExportCheck.Agreement back = ExportCheck.agreement(ExportCheck.jouleOutput(model, x), joule);
            assertTrue(back.maxAbsDiff() <= 1e-4 && back.minCosine() >= 0.9999, back.toString());
            ExportCheck.Agreement vsF32 = ExportCheck.agreement(f32, ExportCheck.jouleOutput(model, x).toArray());
            assertTrue(vsF32.maxAbsDiff() > 0, "the int8 forms must actually run");
            assertTrue(vsF32.minCosine() > 0.99, "int8 weights stay close to f32: " + vsF32.minCosine());
        } finally {
            Int8WeightForms.detach(model, names);
        }
    }

    /** Codes and scales in the file are Int8Matrix.quantize's of the weight (per output channel, zero point 0). */
    private static void checkCodesMatchJoule(Model model, ModelProto qdq) {
        TensorProto codes = initializer(qdq, "fc1.weight_quantized", "embed.weight_quantized");
        String param = codes.getName().replace("_quantized", "");
        Tensor w = model.namedParameters().get(param).value();
        Int8Matrix q = Int8Matrix.quantize(w.data(), w.offset(), w.dim(0), w.dim(1));
        TensorProto scales = initializer(qdq, param + "_scale");
        float[] s = new float[w.dim(0)];
        ByteBuffer.wrap(scales.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(s);
        for (int o = 0; o < s.length; o++) {
            assertEquals(q.scales()[o], s[o], 0f);
        }
        byte[] c = codes.getRawData().toByteArray();
        NodeProto dq = qdq.getGraph().getNodeList().stream()
                .filter(n -> n.getInput(0).equals(codes.getName())).findFirst().orElseThrow();
        long axis = dq.getAttributeList().stream().filter(a -> a.getName().equals("axis")).findFirst().orElseThrow().getI();
        int out = w.dim(0);
        int in = w.dim(1);
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                byte got = axis == 0 ? c[o * in + i] : c[i * out + o];
                assertEquals(q.codes()[o * in + i], got);
            }
        }
    }

    private static TensorProto initializer(ModelProto m, String... names) {
        for (String n : names) {
            for (TensorProto t : m.getGraph().getInitializerList()) {
                if (t.getName().equals(n)) {
                    return t;
                }
            }
        }
        throw new AssertionError("no initializer " + String.join(" or ", names));
    }
}
