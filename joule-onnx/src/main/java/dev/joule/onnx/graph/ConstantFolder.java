package dev.joule.onnx.graph;

import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.ops.Operators;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs, once at load time, every node whose inputs are all constants (PyTorch exports a Constant node
 * per scalar and folds little itself), so that only input-dependent work is left for each call.
 */
final class ConstantFolder {
    private ConstantFolder() {}

    static List<Node> fold(List<Node> nodes, Map<String, Value> constants, List<GraphInput> outputs) {
        List<Node> kept = new ArrayList<>();
        for (Node node : nodes) {
            boolean constant = node.inputs().stream().allMatch(n -> n.isEmpty() || constants.containsKey(n));
            boolean graphOutput = node.outputs().stream().anyMatch(o -> outputs.stream().anyMatch(g -> g.name().equals(o)));
            if (!constant || graphOutput) {
                kept.add(node);
                continue;
            }
            Value[] out = Executor.runNode(node, Operators.lookup(node.opType()), inputsOf(node, constants));
            for (int i = 0; i < node.outputs().size() && i < out.length; i++) {
                constants.put(node.outputs().get(i), out[i]);
            }
        }
        return kept;
    }

    private static Value[] inputsOf(Node node, Map<String, Value> constants) {
        Value[] in = new Value[node.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            String name = node.inputs().get(i);
            in[i] = name.isEmpty() ? null : constants.get(name);
            if (!name.isEmpty() && in[i] == null) {
                throw new OnnxException(node.describe() + ": constant input '" + name + "' is missing");
            }
        }
        return in;
    }
}
