package dev.joule.onnx.graph;

import dev.joule.onnx.ops.Operator;

/** One operator run on one node's inputs, writing that node's outputs: a step of a {@link Plan}. */
record Step(Node node, Operator op) {}
