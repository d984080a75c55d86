package dev.joule.onnx.export;

import com.google.protobuf.ByteString;
import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.GraphInput;
import dev.joule.onnx.graph.GraphLoader;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.ops.FusedOps;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.NodeProto;
import dev.joule.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import dev.joule.onnx.proto.OnnxProto.TensorShapeProto;
import dev.joule.onnx.proto.OnnxProto.TypeProto;
import dev.joule.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a graph as Joule holds it after loading (checked, constants folded) back to ONNX: the
 * round trip of an imported model, and the path a model changed inside Joule takes back out. The
 * graph must be loaded without fusions, since Joule's fused {@code joule.*} operators exist only in
 * Joule. Constants become initializers with little-endian {@code raw_data}; only those a node or
 * an output reads are written.
 */
public final class GraphWriter {

    private GraphWriter() {}

    /** Loads {@code onnx} as Joule does (unfused) and writes the loaded graph back out. */
    public static ModelProto reexport(byte[] onnx, String source) {
        return write(GraphLoader.load(onnx, source, null, false), source);
    }

    /** {@code graph} as an ONNX model of its default-domain opset. */
    public static ModelProto write(Graph graph, String name) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(name);
        Set<String> read = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            if (n.opType().startsWith(FusedOps.PREFIX)) {
                throw new OnnxException("cannot export " + n.describe() + " of " + name + ": Joule's fused operators "
                        + "have no ONNX form; load the model with fuse = false before exporting it");
            }
            NodeProto.Builder p = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
                    .addAllInput(n.inputs()).addAllOutput(n.outputs());
            new TreeMap<>(n.attributes()).values().forEach(p::addAttribute);
            g.addNode(p);
            read.addAll(n.inputs());
        }
        graph.outputs().forEach(o -> read.add(o.name()));
        for (String r : read) {
            Value v = graph.constants().get(r);
            if (v != null) {
                g.addInitializer(tensor(r, v));
            }
        }
        graph.inputs().forEach(i -> g.addInput(valueInfo(i)));
        graph.outputs().forEach(o -> g.addOutput(valueInfo(o)));
        return ModelProto.newBuilder()
                .setIrVersion(OnnxExporter.IR_VERSION)
                .setProducerName(OnnxExporter.PRODUCER)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(graph.opset()))
                .setGraph(g)
                .build();
    }

    static TensorProto tensor(String name, Value v) {
        if (v instanceof FloatValue f) {
            return GraphBuilder.floatTensor(name, f.tensor());
        }
        IntValue iv = (IntValue) v;
        int width = switch (iv.type()) {
            case INT64 -> Long.BYTES;
            case INT32 -> Integer.BYTES;
            case BOOL, INT8, UINT8 -> 1;
            case FLOAT -> throw new IllegalStateException("IntValue cannot be FLOAT");
        };
        ByteBuffer buf = ByteBuffer.allocate(iv.data().length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : iv.data()) {
            switch (width) {
                case Long.BYTES -> buf.putLong(x);
                case Integer.BYTES -> buf.putInt((int) x);
                default -> buf.put(iv.type() == ElementType.BOOL ? (byte) (x != 0 ? 1 : 0) : (byte) x);
            }
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(iv.type().onnxCode())
                .setRawData(ByteString.copyFrom(buf.array()));
        for (int d : iv.shape()) {
            b.addDims(d);
        }
        return b.build();
    }

    private static ValueInfoProto valueInfo(GraphInput in) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < in.dims().length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (in.dims()[i] >= 0) {
                d.setDimValue(in.dims()[i]);
            } else if (!"?".equals(in.dimNames()[i])) {
                d.setDimParam(in.dimNames()[i]);
            }
            shape.addDim(d);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(in.type().onnxCode()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(in.name()).setType(type).build();
    }
}
