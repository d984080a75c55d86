package dev.joule.onnx.export;

import com.google.protobuf.ByteString;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import dev.joule.onnx.proto.OnnxProto.NodeProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import dev.joule.onnx.proto.OnnxProto.TensorShapeProto;
import dev.joule.onnx.proto.OnnxProto.TypeProto;
import dev.joule.onnx.proto.OnnxProto.ValueInfoProto;
import dev.joule.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Assembles an ONNX graph node by node: weights become initializers with little-endian
 * {@code raw_data}, every node gets a unique name and output, and graph inputs and outputs are
 * declared as float tensors whose first axis is the symbolic {@code batch}.
 */
final class GraphBuilder {
    static final String BATCH = "batch";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, Integer> counters = new HashMap<>();

    GraphBuilder(String name) {
        graph.setName(name);
    }

    /** A float initializer holding {@code t}'s elements in row-major order under {@code name}. */
    String weight(String name, Tensor t) {
        graph.addInitializer(floatTensor(name, t));
        return name;
    }

    /** {@code t} as a FLOAT TensorProto with little-endian {@code raw_data}. */
    static TensorProto floatTensor(String name, Tensor t) {
        float[] data = t.data();
        int off = t.offset();
        int n = t.size();
        ByteBuffer buf = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putFloat(data[off + i]);
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (int d : t.shape()) {
            b.addDims(d);
        }
        return b.build();
    }

    /** {@code w [rows, cols]} stored transposed as {@code [cols, rows]}: PyTorch's Linear weight as a MatMul operand. */
    String weightTransposed(String name, Tensor w) {
        int rows = w.dim(0);
        int cols = w.dim(1);
        float[] src = w.data();
        int off = w.offset();
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = src[off + r * cols + c];
            }
        }
        return weight(name, Tensor.of(t, cols, rows));
    }

    /** Suffixes of a QDQ weight's initializers: int8 codes, f32 scales, int8 zero points. */
    static final String QUANTIZED = "_quantized";
    static final String SCALE = "_scale";
    static final String ZERO_POINT = "_zero_point";

    /**
     * {@code w [out, in]} quantized to int8 per output channel (Joule's weight-only scheme,
     * {@link Int8Matrix#quantize}) and written as int8 codes, f32 scales and zero zero-points, followed by
     * a DequantizeLinear node whose output is the f32 weight: {@code [out, in]} (axis 0, for Gemm with
     * transB) or, when {@code transposed}, {@code [in, out]} (axis 1, the MatMul operand). Returns that output.
     */
    String int8Weight(String scope, String name, Tensor w, boolean transposed) {
        int out = w.dim(0);
        int in = w.dim(1);
        Int8Matrix q = Int8Matrix.quantize(w.data(), w.offset(), out, in);
        byte[] codes = q.codes();
        if (transposed) {
            byte[] t = new byte[codes.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = codes[o * in + i];
                }
            }
            codes = t;
        }
        graph.addInitializer(TensorProto.newBuilder().setName(name + QUANTIZED).setDataType(TensorProto.DataType.INT8_VALUE)
                .addDims(transposed ? in : out).addDims(transposed ? out : in).setRawData(ByteString.copyFrom(codes)));
        weight(name + SCALE, Tensor.of(q.scales().clone(), out));
        graph.addInitializer(TensorProto.newBuilder().setName(name + ZERO_POINT).setDataType(TensorProto.DataType.INT8_VALUE)
                .addDims(out).setRawData(ByteString.copyFrom(new byte[out])));
        return node(scope, "DequantizeLinear", new AttributeProto[] {intAttr("axis", transposed ? 1 : 0)},
                name + QUANTIZED, name + SCALE, name + ZERO_POINT);
    }

    /** A float scalar constant (rank 0) as an initializer. */
    String scalar(String name, float value) {
        return weight(name, Tensor.scalar(value));
    }

    /** An int64 initializer, e.g. the target shape of a Reshape. */
    String int64s(String name, long... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).setRawData(ByteString.copyFrom(buf.array())));
        return name;
    }

    /** Adds a node named {@code scope/opType_k} and returns its single output's name. */
    String node(String scope, String opType, AttributeProto[] attributes, String... inputs) {
        String base = scope + "/" + opType;
        int k = counters.merge(base, 1, Integer::sum) - 1;
        String name = k == 0 ? base : base + "_" + k;
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(opType).addOutput(name + ":0");
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return name + ":0";
    }

    String node(String scope, String opType, String... inputs) {
        return node(scope, opType, new AttributeProto[0], inputs);
    }

    /** Renames the output of the most recent node, so the graph output carries a readable name. */
    void renameLastOutput(String from, String to) {
        NodeProto.Builder last = graph.getNodeBuilder(graph.getNodeCount() - 1);
        if (!last.getOutput(0).equals(from)) {
            throw new IllegalStateException("last node's output is " + last.getOutput(0) + ", not " + from);
        }
        last.setOutput(0, to);
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** Declares a float graph input {@code [batch, dims...]}. */
    void input(String name, int... dims) {
        graph.addInput(valueInfo(name, dims));
    }

    /** Declares a float graph output {@code [batch, dims...]}. */
    void output(String name, int... dims) {
        graph.addOutput(valueInfo(name, dims));
    }

    private static ValueInfoProto valueInfo(String name, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (int d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    GraphProto build() {
        return graph.build();
    }
}
