package dev.joule.onnx.graph;

import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import dev.joule.onnx.proto.OnnxProto.NodeProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator call of a loaded graph: its type, its value names, its attributes and the opset
 * version of its domain (operators changed meaning across opsets: Softmax, Unsqueeze, ReduceMean).
 * An omitted optional input has the empty name.
 */
public final class Node {
    private final String name;
    private final String opType;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, AttributeProto> attributes;
    private final int opset;
    /** Outputs with a name (an empty name is an omitted optional output). */
    private final int namedOutputs;

    public Node(String name, String opType, List<String> inputs, List<String> outputs,
                Map<String, AttributeProto> attributes, int opset) {
        this.name = name;
        this.opType = opType;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.attributes = Map.copyOf(attributes);
        this.opset = opset;
        this.namedOutputs = (int) this.outputs.stream().filter(o -> !o.isEmpty()).count();
    }

    static Node of(NodeProto p, int opset, int index) {
        Map<String, AttributeProto> attrs = new HashMap<>();
        for (AttributeProto a : p.getAttributeList()) {
            attrs.put(a.getName(), a);
        }
        String name = p.getName().isEmpty() ? "#" + index : p.getName();
        return new Node(name, p.getOpType(), p.getInputList(), p.getOutputList(), attrs, opset);
    }

    public String name() {
        return name;
    }

    public String opType() {
        return opType;
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** How many outputs have a name: the values an operator must produce at least. */
    public int namedOutputs() {
        return namedOutputs;
    }

    public int opset() {
        return opset;
    }

    /** "node '/encoder/layer.0/Add' (Add)": how errors name a node. */
    public String describe() {
        return "node '" + name + "' (" + opType + ")";
    }

    public boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    public long attrInt(String attr, long fallback) {
        AttributeProto a = attributes.get(attr);
        return a == null ? fallback : a.getI();
    }

    public float attrFloat(String attr, float fallback) {
        AttributeProto a = attributes.get(attr);
        return a == null ? fallback : a.getF();
    }

    /** The INTS attribute, or null when absent. */
    public long[] attrInts(String attr) {
        AttributeProto a = attributes.get(attr);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Every attribute by name (unmodifiable): for writing the node back out. */
    public Map<String, AttributeProto> attributes() {
        return attributes;
    }

    public AttributeProto attribute(String attr) {
        return attributes.get(attr);
    }

    /** The TENSOR attribute decoded, or null when absent. */
    public Value attrTensor(String attr) {
        AttributeProto a = attributes.get(attr);
        return a == null || !a.hasT() ? null : TensorCodec.decode(a.getT(), null);
    }

    /** An error about this node with the node named first. */
    public OnnxException error(String message) {
        return new OnnxException(describe() + ": " + message);
    }
}
