package dev.joule.onnx.ops;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/** Products, softmax and reductions on float tensors, on top of {@link Kernels}. */
final class MathOps {
    private MathOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MatMul", MathOps::matmul);
        ops.put("Gemm", MathOps::gemm);
        ops.put("Softmax", MathOps::softmax);
        ops.put("ReduceMean", (n, in) -> reduce(n, in, true));
        ops.put("ReduceSum", (n, in) -> reduce(n, in, false));
    }

    /**
     * NumPy matmul: a [..., m, k] · b [..., k, n] with broadcast batch dims. A 2-D (or batch-1) b is
     * the common weight case: a's batches are folded into m and the product is one gemm.
     */
    static Value[] matmul(Node node, Value[] in) {
        Tensor a = Args.floats(node, in, 0);
        Tensor b = Args.floats(node, in, 1);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) {
            throw node.error("operands must have rank >= 1, got " + Arrays.toString(as) + " and " + Arrays.toString(bs));
        }
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        int[] am = aVec ? new int[] {1, as[0]} : as;
        int[] bm = bVec ? new int[] {bs[0], 1} : bs;
        int m = am[am.length - 2];
        int k = am[am.length - 1];
        int kb = bm[bm.length - 2];
        int n = bm[bm.length - 1];
        if (k != kb) {
            throw node.error("inner dimensions differ: " + Arrays.toString(as) + " · " + Arrays.toString(bs));
        }
        int[] aLead = Arrays.copyOf(am, am.length - 2);
        int[] bLead = Arrays.copyOf(bm, bm.length - 2);
        int[] lead = Broadcasting.shape(node, aLead, bLead);
        int batches = Value.checkedSize(lead, node.describe());
        int[] outShape = Arrays.copyOf(lead, lead.length + 2);
        outShape[lead.length] = m;
        outShape[lead.length + 1] = n;
        float[] c = new float[Value.checkedSize(outShape, node.describe())];
        Kernels kern = Kernels.get();
        if (Value.checkedSize(bLead, node.describe()) == 1 && Arrays.equals(aLead, lead)) {
            kern.gemm(false, false, batches * m, n, k, a.data(), a.offset(), k, b.data(), b.offset(), n, 0f, c, 0, n);
        } else if (Arrays.equals(aLead, lead) && Arrays.equals(bLead, lead)) {
            kern.gemmBatched(batches, false, false, m, n, k, a.data(), a.offset(), m * k, k,
                    b.data(), b.offset(), k * n, n, 0f, c, 0, m * n, n);
        } else {
            int[] aOff = Broadcasting.elementOffsets(aLead, lead);
            int[] bOff = Broadcasting.elementOffsets(bLead, lead);
            for (int t = 0; t < batches; t++) {
                kern.gemm(false, false, m, n, k, a.data(), a.offset() + aOff[t] * m * k, k,
                        b.data(), b.offset() + bOff[t] * k * n, n, 0f, c, t * m * n, n);
            }
        }
        int[] finalShape = outShape;
        if (aVec || bVec) {
            int[] s = Arrays.copyOf(lead, lead.length + (aVec ? 0 : 1) + (bVec ? 0 : 1));
            int p = lead.length;
            if (!aVec) {
                s[p++] = m;
            }
            if (!bVec) {
                s[p] = n;
            }
            finalShape = s;
        }
        return Args.one(Args.floatValue(c, finalShape));
    }

    /** alpha · op(A) · op(B) + beta · C, C broadcast to [M, N]. */
    private static Value[] gemm(Node node, Value[] in) {
        Tensor a = Args.floats(node, in, 0);
        Tensor b = Args.floats(node, in, 1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw node.error("A and B must be matrices, got " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        boolean ta = node.attrInt("transA", 0) != 0;
        boolean tb = node.attrInt("transB", 0) != 0;
        float alpha = node.attrFloat("alpha", 1f);
        float beta = node.attrFloat("beta", 1f);
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int kb = tb ? b.dim(1) : b.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw node.error("inner dimensions differ: A " + Arrays.toString(a.shape()) + (ta ? "ᵀ" : "")
                    + ", B " + Arrays.toString(b.shape()) + (tb ? "ᵀ" : ""));
        }
        int[] outShape = {m, n};
        float[] c = new float[Value.checkedSize(outShape, node.describe())];
        Kernels.get().gemm(ta, tb, m, n, k, a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1), 0f, c, 0, n);
        if (alpha != 1f) {
            Kernels.get().scale(alpha, c, 0, c, 0, c.length);
        }
        if (Args.optional(in, 2) != null && beta != 0f) {
            Tensor bias = Args.floats(node, in, 2);
            Broadcasting.shape(node, bias.shape(), outShape);
            int[] off = Broadcasting.elementOffsets(bias.shape(), outShape);
            if (!Arrays.equals(Broadcasting.shape(node, bias.shape(), outShape), outShape)) {
                throw node.error("C of shape " + Arrays.toString(bias.shape()) + " does not broadcast to [" + m + ", " + n + "]");
            }
            for (int i = 0; i < c.length; i++) {
                c[i] += beta * bias.data()[bias.offset() + off[i]];
            }
        }
        return Args.one(Args.floatValue(c, outShape));
    }

    /**
     * Softmax. Before opset 13 the input is read as a matrix [prod(dims before axis), prod(rest)] and
     * each row is normalised; from 13 on, along the one axis. Both equal the usual last-axis softmax for
     * axis = -1.
     */
    private static Value[] softmax(Node node, Value[] in) {
        Tensor x = Args.floats(node, in, 0);
        int[] s = x.shape();
        int rank = s.length;
        if (rank == 0) {
            throw node.error("input must have rank >= 1");
        }
        boolean legacy = node.opset() < 13;
        int axis = Args.axis(node, node.attrInt("axis", legacy ? 1 : -1), rank);
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= s[i];
        }
        int len = legacy ? (outer == 0 ? 0 : x.size() / Math.max(outer, 1)) : s[axis];
        int inner = legacy ? 1 : x.size() / Math.max(outer * len, 1);
        float[] o = x.toArray();
        if (len == 0 || o.length == 0) {
            return Args.one(Args.floatValue(o, s));
        }
        if (inner == 1) {
            int rows = outer;
            Parallel.parallelFor(rows, Math.max(1, 4096 / len), (from, to) -> {
                for (int r = from; r < to; r++) {
                    Kernels.get().softmaxInPlace(o, r * len, len);
                }
            });
        } else {
            float[] col = new float[len];
            for (int p = 0; p < outer; p++) {
                for (int q = 0; q < inner; q++) {
                    int base = p * len * inner + q;
                    for (int j = 0; j < len; j++) {
                        col[j] = o[base + j * inner];
                    }
                    Kernels.get().softmaxInPlace(col, 0, len);
                    for (int j = 0; j < len; j++) {
                        o[base + j * inner] = col[j];
                    }
                }
            }
        }
        return Args.one(Args.floatValue(o, s));
    }

    /** ReduceMean / ReduceSum: axes from the attribute (opset < 18) or input 1, keepdims by default. */
    private static Value[] reduce(Node node, Value[] in, boolean mean) {
        Tensor x = Args.floats(node, in, 0);
        int[] s = x.shape();
        int rank = s.length;
        long[] axes = node.attrInts("axes");
        if (axes == null && Args.optional(in, 1) != null) {
            axes = Args.longs(node, in, 1);
        }
        boolean keep = node.attrInt("keepdims", 1) != 0;
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            if (node.attrInt("noop_with_empty_axes", 0) != 0) {
                return Args.one(new dev.joule.onnx.FloatValue(x));
            }
            Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                reduced[Args.axis(node, a, rank)] = true;
            }
        }
        int[] keptShape = s.clone();
        int count = 1;
        for (int i = 0; i < rank; i++) {
            if (reduced[i]) {
                count *= s[i];
                keptShape[i] = 1;
            }
        }
        float[] o = new float[Value.checkedSize(keptShape, node.describe())];
        int trailing = 0;
        while (trailing < rank && reduced[rank - 1 - trailing]) {
            trailing++;
        }
        boolean onlyTrailing = trailing > 0 && trailing == countTrue(reduced);
        if (onlyTrailing && count > 0) {
            for (int r = 0; r < o.length; r++) {
                o[r] = Kernels.get().sum(x.data(), x.offset() + r * count, count);
            }
        } else {
            int[] dest = Broadcasting.elementOffsets(keptShape, s);
            float[] src = x.data();
            int off = x.offset();
            for (int i = 0; i < dest.length; i++) {
                o[dest[i]] += src[off + i];
            }
        }
        if (mean && count > 0) {
            Kernels.get().scale(1f / count, o, 0, o, 0, o.length);
        }
        int[] outShape = keep ? keptShape : dropReduced(s, reduced);
        return Args.one(Args.floatValue(o, outShape));
    }

    private static int countTrue(boolean[] b) {
        int c = 0;
        for (boolean v : b) {
            c += v ? 1 : 0;
        }
        return c;
    }

    private static int[] dropReduced(int[] s, boolean[] reduced) {
        int[] out = new int[s.length];
        int r = 0;
        for (int i = 0; i < s.length; i++) {
            if (!reduced[i]) {
                out[r++] = s[i];
            }
        }
        return Arrays.copyOf(out, r);
    }
}
