package dev.joule.onnx.graph;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.joule.onnx.ElementType;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.ops.Operators;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import dev.joule.onnx.proto.OnnxProto.ModelProto;
import dev.joule.onnx.proto.OnnxProto.NodeProto;
import dev.joule.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import dev.joule.onnx.proto.OnnxProto.TensorShapeProto;
import dev.joule.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns ONNX bytes into a checked {@link Graph}. Everything a file can get wrong is found here,
 * before anything runs: not protobuf, no graph, an IR version or opset outside what Joule knows, an
 * operator Joule lacks, a node reading a value nobody produces, a weight whose data does not fit its shape.
 */
public final class GraphLoader {
    /** The oldest and newest default-domain opsets whose operator semantics Joule implements. */
    public static final int MIN_OPSET = 7;
    public static final int MAX_OPSET = 22;
    /** IR versions 3 (opset imports) to 11. */
    public static final int MIN_IR = 3;
    public static final int MAX_IR = 11;

    private GraphLoader() {}

    /** Parses and checks {@code bytes}; {@code source} names the file in errors, {@code baseDir} holds external data (may be null). */
    public static Graph load(byte[] bytes, String source, Path baseDir) {
        return load(bytes, source, baseDir, true);
    }

    /** As {@link #load(byte[], String, Path)}; {@code fuse = false} keeps the graph's own nodes (for checking the fusions). */
    public static Graph load(byte[] bytes, String source, Path baseDir, boolean fuse) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(source + ": not a valid ONNX file (" + e.getMessage()
                    + "); it may be truncated or not a model at all", e);
        }
        return load(model, source, baseDir, fuse);
    }

    public static Graph load(ModelProto model, String source, Path baseDir, boolean fuse) {
        if (model.getIrVersion() < MIN_IR || model.getIrVersion() > MAX_IR) {
            throw new OnnxException(source + ": IR version " + model.getIrVersion() + " is outside the range "
                    + MIN_IR + ".." + MAX_IR + " that Joule reads" + (model.getIrVersion() == 0 ? " (is this an ONNX file?)" : ""));
        }
        int opset = defaultOpset(model, source);
        if (!model.hasGraph()) {
            throw new OnnxException(source + ": the model has no graph");
        }
        GraphProto g = model.getGraph();
        Map<String, Value> constants = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), TensorCodec.decode(t, baseDir));
        }
        List<GraphInput> inputs = new ArrayList<>();
        for (ValueInfoProto vi : g.getInputList()) {
            if (!constants.containsKey(vi.getName())) {
                inputs.add(info(vi, source));
            }
        }
        List<GraphInput> outputs = new ArrayList<>();
        for (ValueInfoProto vi : g.getOutputList()) {
            outputs.add(info(vi, source));
        }
        List<Node> nodes = nodes(g, opset, constants, inputs, outputs, source);
        nodes = ConstantFolder.fold(nodes, constants, outputs);
        if (fuse) {
            nodes = GraphFusion.fuse(nodes, constants, outputs);
        }
        return new Graph(List.copyOf(nodes), Map.copyOf(constants), List.copyOf(inputs), List.copyOf(outputs), opset);
    }

    private static int defaultOpset(ModelProto model, String source) {
        int opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (o.getVersion() < MIN_OPSET || o.getVersion() > MAX_OPSET) {
                    throw new OnnxException(source + ": opset " + o.getVersion() + " of the default domain is outside "
                            + MIN_OPSET + ".." + MAX_OPSET + ", the opsets whose operators Joule implements;"
                            + " re-export the model with an opset in that range");
                }
                opset = (int) o.getVersion();
            }
        }
        if (opset < 0) {
            throw new OnnxException(source + ": the model imports no opset of the default ONNX domain");
        }
        return opset;
    }

    private static GraphInput info(ValueInfoProto vi, String source) {
        if (!vi.hasType() || !vi.getType().hasTensorType()) {
            throw new OnnxException(source + ": graph value '" + vi.getName() + "' is not a tensor; Joule runs tensor graphs only");
        }
        var tt = vi.getType().getTensorType();
        ElementType type = ElementType.ofOnnx(tt.getElemType(), source + ": graph value '" + vi.getName() + "'");
        List<TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
        int[] d = new int[dims.size()];
        String[] names = new String[dims.size()];
        for (int i = 0; i < d.length; i++) {
            TensorShapeProto.Dimension dim = dims.get(i);
            boolean fixed = dim.hasDimValue() && dim.getDimValue() >= 0 && dim.getDimValue() <= Value.MAX_ELEMENTS;
            d[i] = fixed ? (int) dim.getDimValue() : -1;
            names[i] = dim.hasDimParam() ? dim.getDimParam() : "?";
        }
        return new GraphInput(vi.getName(), type, d, names);
    }

    private static List<Node> nodes(GraphProto g, int opset, Map<String, Value> constants, List<GraphInput> inputs,
                                    List<GraphInput> outputs, String source) {
        Set<String> defined = new HashSet<>(constants.keySet());
        inputs.forEach(i -> defined.add(i.name()));
        List<Node> nodes = new ArrayList<>(g.getNodeCount());
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto p = g.getNode(i);
            Node node = Node.of(p, opset, i);
            String domain = p.getDomain();
            if (!(domain.isEmpty() || domain.equals("ai.onnx")) || Operators.lookup(p.getOpType()) == null
                    || p.getOpType().startsWith(dev.joule.onnx.ops.FusedOps.PREFIX)) {
                throw new OnnxException(source + ": unsupported operator '" + p.getOpType() + "'"
                        + (domain.isEmpty() ? "" : " of domain '" + domain + "'") + " at node '" + node.name()
                        + "'; Joule supports " + Operators.supported());
            }
            for (String in : node.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new OnnxException(source + ": " + node.describe() + " reads '" + in
                            + "', which no earlier node, graph input or initializer produces (nodes must be in topological order)");
                }
            }
            for (String out : node.outputs()) {
                if (!out.isEmpty() && !defined.add(out)) {
                    throw new OnnxException(source + ": " + node.describe() + " writes '" + out + "', which is already defined");
                }
            }
            nodes.add(node);
        }
        for (GraphInput out : outputs) {
            if (!defined.contains(out.name())) {
                throw new OnnxException(source + ": graph output '" + out.name() + "' is produced by no node");
            }
        }
        return nodes;
    }
}
