package dev.joule.onnx.ops;

import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/** Typed access to a node's inputs, with errors that name the node, the input and the type found. */
final class Args {
    private Args() {}

    static Value required(Node node, Value[] in, int i) {
        if (i >= in.length || in[i] == null) {
            throw node.error("input " + i + " is required but missing");
        }
        return in[i];
    }

    static Value optional(Value[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    static Tensor floats(Node node, Value[] in, int i) {
        Value v = required(node, in, i);
        if (v instanceof FloatValue f) {
            return f.tensor();
        }
        throw node.error("input " + i + " must be float, got " + v.type() + " " + Arrays.toString(v.shape()));
    }

    static IntValue ints(Node node, Value[] in, int i) {
        Value v = required(node, in, i);
        if (v instanceof IntValue iv) {
            return iv;
        }
        throw node.error("input " + i + " must be an integer tensor, got " + v.type() + " " + Arrays.toString(v.shape()));
    }

    /** An integer input read as a list of longs (axes, shapes, starts). */
    static long[] longs(Node node, Value[] in, int i) {
        return ints(node, in, i).data();
    }

    static Value[] one(Value v) {
        return new Value[] {v};
    }

    static int axis(Node node, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw node.error("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    static FloatValue floatValue(float[] data, int[] shape) {
        return new FloatValue(Tensor.of(data, shape));
    }

    static IntValue intValue(long[] data, int[] shape, ElementType type) {
        return new IntValue(data, shape, type);
    }
}
