package dev.joule.onnx.ops;

import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import java.util.Arrays;
import java.util.Map;

/** Operators that make or convert tensors: Constant, ConstantOfShape, Cast, Concat, Slice. */
final class TensorOps {
    private TensorOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Constant", TensorOps::constant);
        ops.put("ConstantOfShape", TensorOps::constantOfShape);
        ops.put("Cast", TensorOps::cast);
        ops.put("Concat", TensorOps::concat);
        ops.put("Slice", TensorOps::slice);
    }

    private static Value[] constant(Node node, Value[] in) {
        Value t = node.attrTensor("value");
        if (t != null) {
            return Args.one(t);
        }
        AttributeProto a;
        if ((a = node.attribute("value_float")) != null) {
            return Args.one(FloatValue.of(new float[] {a.getF()}));
        }
        if ((a = node.attribute("value_floats")) != null) {
            float[] f = new float[a.getFloatsCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.getFloats(i);
            }
            return Args.one(FloatValue.of(f, f.length));
        }
        if ((a = node.attribute("value_int")) != null) {
            return Args.one(IntValue.scalar(a.getI()));
        }
        if ((a = node.attribute("value_ints")) != null) {
            long[] l = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            return Args.one(IntValue.int64(l, l.length));
        }
        throw node.error("needs one of the attributes value, value_float(s) or value_int(s)");
    }

    private static Value[] constantOfShape(Node node, Value[] in) {
        int[] shape = Value.checkedShape(Args.longs(node, in, 0), node.describe());
        int n = Value.checkedSize(shape, node.describe());
        Value fill = node.attrTensor("value");
        if (fill == null || fill instanceof FloatValue) {
            float v = fill == null ? 0f : ((FloatValue) fill).toArray()[0];
            float[] f = new float[n];
            Arrays.fill(f, v);
            return Args.one(Args.floatValue(f, shape));
        }
        IntValue iv = (IntValue) fill;
        if (iv.data().length != 1) {
            throw node.error("value must hold one element, got " + iv.data().length);
        }
        long[] l = new long[n];
        Arrays.fill(l, iv.data()[0]);
        return Args.one(new IntValue(l, shape, iv.type()));
    }

    private static Value[] cast(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        ElementType to = ElementType.ofOnnx((int) node.attrInt("to", 0), node.describe());
        if (x.type() == to) {
            return Args.one(x);
        }
        if (x instanceof FloatValue f) {
            float[] src = f.toArray();
            long[] l = new long[src.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = to == ElementType.BOOL ? (src[i] != 0 ? 1 : 0) : (long) src[i];
                if (to == ElementType.INT32) {
                    l[i] = (int) l[i];
                }
            }
            return Args.one(new IntValue(l, x.shape(), to));
        }
        IntValue iv = (IntValue) x;
        if (to == ElementType.FLOAT) {
            float[] f = new float[iv.data().length];
            for (int i = 0; i < f.length; i++) {
                f[i] = iv.data()[i];
            }
            return Args.one(Args.floatValue(f, x.shape()));
        }
        long[] l = iv.data().clone();
        for (int i = 0; i < l.length; i++) {
            l[i] = to == ElementType.BOOL ? (l[i] != 0 ? 1 : 0) : to == ElementType.INT32 ? (int) l[i] : l[i];
        }
        return Args.one(new IntValue(l, x.shape(), to));
    }

    private static Value[] concat(Node node, Value[] in) {
        if (in.length == 0) {
            throw node.error("needs at least one input");
        }
        Value first = Args.required(node, in, 0);
        int rank = first.rank();
        int axis = Args.axis(node, node.attrInt("axis", 0), rank);
        int[] out = first.shape();
        out[axis] = 0;
        for (int k = 0; k < in.length; k++) {
            Value v = Args.required(node, in, k);
            int[] s = v.shape();
            if (v.type() != first.type() || s.length != rank) {
                throw node.error("input " + k + " is " + v.type() + " " + Arrays.toString(s) + ", input 0 is "
                        + first.type() + " " + Arrays.toString(first.shape()));
            }
            for (int i = 0; i < rank; i++) {
                if (i != axis && s[i] != out[i]) {
                    throw node.error("input " + k + " has shape " + Arrays.toString(s) + ", which differs from "
                            + Arrays.toString(first.shape()) + " off axis " + axis);
                }
            }
            out[axis] += s[axis];
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= out[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < rank; i++) {
            inner *= out[i];
        }
        int total = Value.checkedSize(out, node.describe());
        int rowLen = out[axis] * inner;
        if (first instanceof FloatValue) {
            float[] o = new float[total];
            int pos = 0;
            for (int k = 0; k < in.length; k++) {
                var t = ((FloatValue) in[k]).tensor();
                int len = t.shape()[axis] * inner;
                for (int r = 0; r < outer; r++) {
                    System.arraycopy(t.data(), t.offset() + r * len, o, r * rowLen + pos, len);
                }
                pos += len;
            }
            return Args.one(Args.floatValue(o, out));
        }
        long[] o = new long[total];
        int pos = 0;
        for (int k = 0; k < in.length; k++) {
            IntValue iv = (IntValue) in[k];
            int len = iv.shape()[axis] * inner;
            for (int r = 0; r < outer; r++) {
                System.arraycopy(iv.data(), r * len, o, r * rowLen + pos, len);
            }
            pos += len;
        }
        return Args.one(new IntValue(o, out, first.type()));
    }

    /** Slice (opset >= 10): starts, ends and optional axes and steps as inputs, clamped as the spec says. */
    private static Value[] slice(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        int[] xs = x.shape();
        int rank = xs.length;
        long[] starts = node.attrInts("starts") != null ? node.attrInts("starts") : Args.longs(node, in, 1);
        long[] ends = node.attrInts("ends") != null ? node.attrInts("ends") : Args.longs(node, in, 2);
        long[] axes = node.attrInts("axes") != null ? node.attrInts("axes")
                : Args.optional(in, 3) != null ? Args.longs(node, in, 3) : null;
        long[] steps = Args.optional(in, 4) != null ? Args.longs(node, in, 4) : null;
        if (ends.length != starts.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw node.error("starts, ends, axes and steps must have equal lengths, got " + starts.length + ", "
                    + ends.length + ", " + (axes == null ? "-" : axes.length) + ", " + (steps == null ? "-" : steps.length));
        }
        int[] begin = new int[rank];
        int[] step = new int[rank];
        int[] out = xs.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = Args.axis(node, axes == null ? i : axes[i], rank);
            long st = steps == null ? 1 : steps[i];
            if (st == 0 || Math.abs(st) > Integer.MAX_VALUE) {
                throw node.error("step " + st + " on axis " + ax + " is not allowed");
            }
            long dim = xs[ax];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
            } else {
                s = Math.max(-1, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
            }
            long count = st > 0 ? Math.max(0, (e - s + st - 1) / st) : Math.max(0, (s - e - st - 1) / -st);
            begin[ax] = (int) s;
            step[ax] = (int) st;
            out[ax] = (int) count;
        }
        int[] st = Layout.strides(xs);
        int start = 0;
        int[] srcStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            start += begin[i] * st[i];
            srcStrides[i] = step[i] * st[i];
        }
        return Args.one(Layout.copyRuns(x, out, Layout.walk(out, srcStrides, rank, start), 1));
    }
}
