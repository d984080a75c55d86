package dev.joule.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxLoaderTest {

    private static float[] runSmall(OnnxModel m, float[] x, int rows) {
        return ((FloatValue) m.run(Map.of("x", FloatValue.of(x, rows, 3))).get("y")).toArray();
    }

    @Test
    void smallModelComputesSoftmaxOfAffineMap() {
        OnnxModel m = OnnxModel.load(TestModels.small().toByteArray(), "small");
        float[] x = {1, 2, 3, -1, 0, 0.5f};
        float[] y = runSmall(m, x, 2);
        float[] w = new float[12];
        for (int i = 0; i < 12; i++) {
            w[i] = (i % 5 - 2) * 0.25f;
        }
        float[] b = {0.1f, -0.2f, 0.3f, 0f};
        for (int r = 0; r < 2; r++) {
            double[] z = new double[4];
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                z[j] = b[j];
                for (int k = 0; k < 3; k++) {
                    z[j] += x[r * 3 + k] * w[k * 4 + j];
                }
                z[j] = Math.exp(z[j]);
                sum += z[j];
            }
            for (int j = 0; j < 4; j++) {
                assertEquals(z[j] / sum, y[r * 4 + j], 1e-6);
            }
        }
        assertEquals(List.of("x"), m.inputs().stream().map(i -> i.name()).toList());
        // The whole shape path depends on the input, so it stays; nothing of it is constant.
        assertTrue(m.opCounts().containsKey("Reshape"));
    }

    @Test
    void truncatedFileIsAClearError() {
        byte[] full = TestModels.small().toByteArray();
        OnnxException e = assertThrows(OnnxException.class,
                () -> OnnxModel.load(Arrays.copyOf(full, full.length / 2), "half.onnx"));
        assertTrue(e.getMessage().startsWith("half.onnx: "), e.getMessage());
    }

    @Test
    void opsetOutsideTheSupportedRangeIsRefused() {
        ModelProto m = TestModels.small().toBuilder().setOpsetImport(0,
                TestModels.small().getOpsetImport(0).toBuilder().setVersion(99)).build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(m.toByteArray(), "new.onnx"));
        assertTrue(e.getMessage().contains("opset 99"), e.getMessage());
    }

    @Test
    void unknownOperatorIsNamedWithItsNode() {
        ModelProto base = TestModels.small();
        ModelProto m = base.toBuilder().setGraph(base.getGraph().toBuilder()
                .setNode(2, base.getGraph().getNode(2).toBuilder().setOpType("FancySoftmax"))).build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(m.toByteArray(), "odd.onnx"));
        assertTrue(e.getMessage().contains("unsupported operator 'FancySoftmax' at node 'sm'"), e.getMessage());
    }

    @Test
    void tensorDataShorterThanItsShapeIsRefused() {
        ModelProto base = TestModels.small();
        TensorProto w = base.getGraph().getInitializer(0);
        TensorProto shortW = w.toBuilder().setRawData(w.getRawData().substring(0, 40)).build();
        ModelProto m = base.toBuilder().setGraph(base.getGraph().toBuilder().setInitializer(0, shortW)).build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(m.toByteArray(), "short.onnx"));
        assertTrue(e.getMessage().contains("tensor 'W': raw data has 40 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("needs 48"), e.getMessage());
    }

    @Test
    void externalDataNeedsAFilePath() {
        ModelProto base = TestModels.small();
        TensorProto ext = base.getGraph().getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")).build();
        ModelProto m = base.toBuilder().setGraph(base.getGraph().toBuilder().setInitializer(0, ext)).build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(m.toByteArray(), "ext.onnx"));
        assertTrue(e.getMessage().contains("external file 'w.bin'"), e.getMessage());
    }

    @Test
    void wrongInputShapeIsNamed() {
        OnnxModel m = OnnxModel.load(TestModels.small().toByteArray(), "small");
        OnnxException e = assertThrows(OnnxException.class, () -> m.run(Map.of("x", FloatValue.of(new float[4], 2, 2))));
        assertTrue(e.getMessage().contains("input 'x' must be x: FLOAT [n, 3]"), e.getMessage());
        assertThrows(OnnxException.class, () -> m.run(Map.of()));
    }

    @Test
    void notAModelAtAll() {
        byte[] text = "hello, this is not protobuf".getBytes();
        assertThrows(OnnxException.class, () -> OnnxModel.load(text, "hello.txt"));
        assertThrows(OnnxException.class, () -> OnnxModel.load(new byte[0], "empty.onnx"));
        assertThrows(OnnxException.class, () -> OnnxModel.load(ByteString.copyFromUtf8("\u0008\u0003").toByteArray(), "nograph"));
    }

    @Test
    void intTensorsRoundTripThroughTheCodec() {
        IntValue v = IntValue.int64(new long[] {1, -2, 3, Long.MAX_VALUE}, 2, 2);
        IntValue back = (IntValue) dev.joule.onnx.graph.TensorCodec.decode(dev.joule.onnx.graph.TensorCodec.encode("t", v), null);
        assertArrayEquals(v.data(), back.data());
        assertArrayEquals(new int[] {2, 2}, back.shape());
    }
}
