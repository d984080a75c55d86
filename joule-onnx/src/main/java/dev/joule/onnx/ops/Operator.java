package dev.joule.onnx.ops;

import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;

/**
 * One ONNX operator on Joule's engine. {@code inputs} follows the node's input list; an omitted
 * optional input is null. Implementations never write into their inputs.
 */
@FunctionalInterface
public interface Operator {
    Value[] run(Node node, Value[] inputs);
}
