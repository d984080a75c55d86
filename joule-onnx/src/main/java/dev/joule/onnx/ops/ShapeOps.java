package dev.joule.onnx.ops;

import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import java.util.Arrays;
import java.util.Map;

/** Operators that compute shapes or move elements without arithmetic. */
final class ShapeOps {
    private ShapeOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Shape", ShapeOps::shape);
        ops.put("Reshape", ShapeOps::reshape);
        ops.put("Flatten", ShapeOps::flatten);
        ops.put("Unsqueeze", ShapeOps::unsqueeze);
        ops.put("Squeeze", ShapeOps::squeeze);
        ops.put("Transpose", ShapeOps::transpose);
        ops.put("Expand", ShapeOps::expand);
        ops.put("Gather", ShapeOps::gather);
        ops.put("Identity", (n, in) -> Args.one(Args.required(n, in, 0)));
    }

    private static Value[] shape(Node node, Value[] in) {
        int[] s = Args.required(node, in, 0).shape();
        int rank = s.length;
        int start = clampAxis(node.attrInt("start", 0), rank);
        int end = clampAxis(node.attrInt("end", rank), rank);
        long[] out = new long[Math.max(end - start, 0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = s[start + i];
        }
        return Args.one(IntValue.int64(out, out.length));
    }

    private static int clampAxis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        return (int) Math.max(0, Math.min(rank, v));
    }

    private static Value[] reshape(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        long[] target = Args.longs(node, in, 1);
        boolean allowZero = node.attrInt("allowzero", 0) != 0;
        int[] xs = x.shape();
        long[] dims = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && !allowZero) {
                if (i >= xs.length) {
                    throw node.error("target shape " + Arrays.toString(target) + " copies axis " + i
                            + " from input of rank " + xs.length);
                }
                dims[i] = xs[i];
            }
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw node.error("target shape " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (dims[i] < 0) {
                throw node.error("target shape " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= dims[i];
            }
        }
        int size = x.size();
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw node.error("cannot infer -1 in " + Arrays.toString(target) + " for " + size + " elements");
            }
            dims[infer] = size / known;
        }
        int[] shape = Value.checkedShape(dims, node.describe());
        if (Value.checkedSize(shape, node.describe()) != size) {
            throw node.error("cannot reshape " + Arrays.toString(xs) + " (" + size + " elements) to "
                    + Arrays.toString(target));
        }
        return Args.one(Layout.reshaped(x, shape));
    }

    private static Value[] flatten(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        int[] s = x.shape();
        long axis = node.attrInt("axis", 1);
        int a = (int) (axis < 0 ? axis + s.length : axis);
        if (a < 0 || a > s.length) {
            throw node.error("axis " + axis + " is out of range for rank " + s.length);
        }
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= s[i];
        }
        return Args.one(Layout.reshaped(x, new int[] {outer, outer == 0 ? 0 : x.size() / outer}));
    }

    /** Axes from the attribute (opset < 13) or from input 1 (opset >= 13). */
    private static long[] axes(Node node, Value[] in) {
        long[] attr = node.attrInts("axes");
        if (attr != null) {
            return attr;
        }
        return Args.optional(in, 1) == null ? null : Args.longs(node, in, 1);
    }

    private static Value[] unsqueeze(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        long[] axes = axes(node, in);
        if (axes == null) {
            throw node.error("axes are required");
        }
        int[] xs = x.shape();
        int rank = xs.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int ax = Args.axis(node, a, rank);
            if (inserted[ax]) {
                throw node.error("axis " + a + " is repeated in " + Arrays.toString(axes));
            }
            inserted[ax] = true;
        }
        int[] out = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : xs[j++];
        }
        return Args.one(Layout.reshaped(x, out));
    }

    private static Value[] squeeze(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        long[] axes = axes(node, in);
        int[] xs = x.shape();
        boolean[] drop = new boolean[xs.length];
        if (axes == null) {
            for (int i = 0; i < xs.length; i++) {
                drop[i] = xs[i] == 1;
            }
        } else {
            for (long a : axes) {
                int ax = Args.axis(node, a, xs.length);
                if (xs[ax] != 1) {
                    throw node.error("cannot squeeze axis " + a + " of length " + xs[ax] + " in " + Arrays.toString(xs));
                }
                drop[ax] = true;
            }
        }
        int[] out = new int[xs.length];
        int r = 0;
        for (int i = 0; i < xs.length; i++) {
            if (!drop[i]) {
                out[r++] = xs[i];
            }
        }
        return Args.one(Layout.reshaped(x, Arrays.copyOf(out, r)));
    }

    private static Value[] transpose(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        int[] xs = x.shape();
        int rank = xs.length;
        long[] permAttr = node.attrInts("perm");
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            long p = permAttr == null ? rank - 1 - i : (i < permAttr.length ? permAttr[i] : -1);
            if (permAttr != null && permAttr.length != rank || p < 0 || p >= rank || seen[(int) p]) {
                throw node.error("perm " + Arrays.toString(permAttr) + " is not a permutation of rank " + rank);
            }
            perm[i] = (int) p;
            seen[(int) p] = true;
        }
        int[] outShape = new int[rank];
        int[] srcStrides = new int[rank];
        int[] st = Layout.strides(xs);
        for (int i = 0; i < rank; i++) {
            outShape[i] = xs[perm[i]];
            srcStrides[i] = st[perm[i]];
        }
        // Trailing axes that stay in place are copied as one contiguous run.
        int outer = rank;
        int run = 1;
        while (outer > 0 && perm[outer - 1] == outer - 1) {
            run *= xs[outer - 1];
            outer--;
        }
        return Args.one(Layout.copyRuns(x, outShape, Layout.walk(outShape, srcStrides, outer, 0), run));
    }

    private static Value[] expand(Node node, Value[] in) {
        Value x = Args.required(node, in, 0);
        long[] target = Args.longs(node, in, 1);
        int[] ts = Value.checkedShape(target, node.describe());
        int[] out = Broadcasting.shape(node, x.shape(), ts);
        Value.checkedSize(out, node.describe());
        return Args.one(Layout.copyRuns(x, out, Broadcasting.elementOffsets(x.shape(), out), 1));
    }

    private static Value[] gather(Node node, Value[] in) {
        Value data = Args.required(node, in, 0);
        IntValue idx = Args.ints(node, in, 1);
        int[] ds = data.shape();
        if (ds.length == 0) {
            throw node.error("data must have rank >= 1");
        }
        int axis = Args.axis(node, node.attrInt("axis", 0), ds.length);
        int dim = ds[axis];
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= ds[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < ds.length; i++) {
            inner *= ds[i];
        }
        int[] is = idx.shape();
        int[] out = new int[ds.length - 1 + is.length];
        System.arraycopy(ds, 0, out, 0, axis);
        System.arraycopy(is, 0, out, axis, is.length);
        System.arraycopy(ds, axis + 1, out, axis + is.length, ds.length - axis - 1);
        long[] ids = idx.data();
        int[] offsets = new int[outer * ids.length];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < ids.length; j++) {
                long k = ids[j] < 0 ? ids[j] + dim : ids[j];
                if (k < 0 || k >= dim) {
                    throw node.error("index " + ids[j] + " is out of range for axis " + axis + " of length " + dim);
                }
                offsets[o * ids.length + j] = (o * dim + (int) k) * inner;
            }
        }
        return Args.one(Layout.copyRuns(data, out, offsets, inner));
    }

}
