package dev.joule.onnx.graph;

import dev.joule.onnx.Value;
import java.util.List;
import java.util.Map;

/**
 * A loaded, checked graph ready to run: nodes in execution order (constants already folded, fusions
 * applied), the constant values they read (weights), the inputs a caller supplies and the outputs it gets.
 */
public record Graph(List<Node> nodes, Map<String, Value> constants, List<GraphInput> inputs,
                    List<GraphInput> outputs, int opset) {
}
