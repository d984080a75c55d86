package dev.joule.onnx;

import dev.joule.onnx.graph.TensorCodec;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.NodeProto;
import dev.joule.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.joule.onnx.proto.OnnxProto.TensorShapeProto;
import dev.joule.onnx.proto.OnnxProto.TypeProto;
import dev.joule.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.List;

/** Small ONNX models built in the tests with the generated protobuf classes. */
final class TestModels {
    private TestModels() {}

    static ValueInfoProto info(String name, ElementType type, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("n")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(shape))).build();
    }

    static NodeProto node(String name, String op, List<String> in, List<String> out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(in).addAllOutput(out)
                .addAllAttribute(List.of(attrs)).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static ModelProto model(int opset, GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("joule-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
    }

    /**
     * x [n, 3] → MatMul W [3, 4] → Add b [4] → Softmax(-1) → y, plus a shape path that reshapes y by
     * its own shape (Shape → Gather → Unsqueeze → Concat → Reshape), so int64 ops are exercised too.
     */
    static ModelProto small() {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5 - 2) * 0.25f;
        }
        GraphProto g = GraphProto.newBuilder().setName("small")
                .addInput(info("x", ElementType.FLOAT, -1, 3))
                .addOutput(info("y", ElementType.FLOAT, -1, 4))
                .addInitializer(TensorCodec.encode("W", FloatValue.of(w, 3, 4)))
                .addInitializer(TensorCodec.encode("b", FloatValue.of(new float[] {0.1f, -0.2f, 0.3f, 0f}, 4)))
                .addInitializer(TensorCodec.encode("zero", IntValue.scalar(0)))
                .addInitializer(TensorCodec.encode("four", IntValue.int64(new long[] {4}, 1)))
                .addNode(node("mm", "MatMul", List.of("x", "W"), List.of("xw")))
                .addNode(node("add", "Add", List.of("xw", "b"), List.of("logits")))
                .addNode(node("sm", "Softmax", List.of("logits"), List.of("p"), intAttr("axis", -1)))
                .addNode(node("shape", "Shape", List.of("p"), List.of("s")))
                .addNode(node("gather", "Gather", List.of("s", "zero"), List.of("n"), intAttr("axis", 0)))
                .addNode(node("unsq", "Unsqueeze", List.of("n"), List.of("n1"), ints("axes", 0)))
                .addNode(node("cat", "Concat", List.of("n1", "four"), List.of("target"), intAttr("axis", 0)))
                .addNode(node("reshape", "Reshape", List.of("p", "target"), List.of("y")))
                .build();
        return model(11, g);
    }
}
