package dev.joule.onnx.ops;

import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * DequantizeLinear (opsets 10-22, per-tensor or per-axis from 13): {@code y = (x - zero_point) · scale}
 * for int8/uint8 codes. In a QDQ file's weights every input is an initializer, so the loader folds
 * the node once and the product runs on the f32 weights (Joule's own {@code export --int8} files).
 */
final class QuantOps {
    private QuantOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("DequantizeLinear", QuantOps::dequantizeLinear);
    }

    private static Value[] dequantizeLinear(Node node, Value[] in) {
        IntValue x = Args.ints(node, in, 0);
        Tensor scale = Args.floats(node, in, 1);
        IntValue zero = Args.optional(in, 2) == null ? null : Args.ints(node, in, 2);
        int[] shape = x.shape();
        long[] q = x.data();
        float[] y = new float[q.length];
        if (scale.size() == 1) {
            float s = scale.data()[scale.offset()];
            long z = zero == null ? 0 : zero.data()[0];
            for (int i = 0; i < q.length; i++) {
                y[i] = (q[i] - z) * s;
            }
            return Args.one(Args.floatValue(y, shape));
        }
        int axis = Args.axis(node, node.attrInt("axis", 1), shape.length);
        if (scale.rank() != 1 || scale.size() != shape[axis] || zero != null && zero.size() != scale.size()) {
            throw node.error("per-axis scale " + Arrays.toString(scale.shape()) + (zero == null ? "" : " and zero point "
                    + Arrays.toString(zero.shape())) + " must have the " + shape[axis] + " elements of axis " + axis
                    + " of " + Arrays.toString(shape));
        }
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int channels = shape[axis];
        for (int i = 0; i < q.length; i++) {
            int c = (i / inner) % channels;
            y[i] = (q[i] - (zero == null ? 0 : zero.data()[c])) * scale.data()[scale.offset() + c];
        }
        return Args.one(Args.floatValue(y, shape));
    }
}
