package dev.joule.onnx.graph;

import dev.joule.onnx.Value;
import java.util.List;
import java.util.Map;

/** Replaces recognised subgraphs by Joule's fused operators. */
final class GraphFusion {
    private GraphFusion() {}

    static List<Node> fuse(List<Node> nodes, Map<String, Value> constants, List<GraphInput> outputs) {
        return nodes;
    }
}
