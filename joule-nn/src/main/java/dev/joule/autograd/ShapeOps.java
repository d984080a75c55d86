package dev.joule.autograd;

import dev.joule.tensor.Shape;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.List;

/**
 * Shape changes. {@link #reshape} is a free view; transpose, slice and concat copy, moving contiguous
 * runs of the inner dims at a time. Their backward passes move the gradient the opposite way.
 */
final class ShapeOps {
    private ShapeOps() {}

    /** The same elements under a new shape (one dim may be -1); shares storage with the input. */
    static Var reshape(Var a, int... shape) {
        Tensor out = a.value().reshape(shape);
        return Var.op(out, g -> ArithmeticOps.addScaled(a, g, 1f), a);
    }

    /**
     * Swaps two axes. The tensor is read as {@code [pre, d1, mid, d2, post]} and written as
     * {@code [pre, d2, mid, d1, post]}, copying runs of {@code post} floats.
     */
    static Var transpose(Var a, int axis1, int axis2) {
        int[] shape = a.shape();
        int r = shape.length;
        int p = Shape.axis(axis1, r);
        int q = Shape.axis(axis2, r);
        if (p == q) {
            return reshape(a, shape);
        }
        if (p > q) {
            int t = p;
            p = q;
            q = t;
        }
        int[] dims = {prod(shape, 0, p), shape[p], prod(shape, p + 1, q), shape[q], prod(shape, q + 1, r)};
        int[] outShape = shape.clone();
        outShape[p] = shape[q];
        outShape[q] = shape[p];
        Tensor av = a.value();
        float[] out = new float[av.size()];
        swap(av.data(), av.offset(), out, 0, dims, false);
        return Var.op(Tensor.of(out, outShape), g -> {
            Tensor ga = a.gradBuffer();
            // The gradient has the output's layout; swapping back means reading it with d1 and d2 exchanged.
            int[] back = {dims[0], dims[3], dims[2], dims[1], dims[4]};
            swap(g.data(), g.offset(), ga.data(), ga.offset(), back, true);
        }, a);
    }

    private static int prod(int[] s, int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) {
            n *= s[i];
        }
        return n;
    }

    /** dst[pre, j, mid, i, post] (=|+=) src[pre, i, mid, j, post] with dims {pre, d1, mid, d2, post}. */
    private static void swap(float[] src, int so, float[] dst, int dOff, int[] dims, boolean accumulate) {
        int pre = dims[0];
        int d1 = dims[1];
        int mid = dims[2];
        int d2 = dims[3];
        int post = dims[4];
        for (int a = 0; a < pre; a++) {
            for (int i = 0; i < d1; i++) {
                for (int m = 0; m < mid; m++) {
                    for (int j = 0; j < d2; j++) {
                        int s = so + ((((a * d1 + i) * mid + m) * d2 + j) * post);
                        int d = dOff + ((((a * d2 + j) * mid + m) * d1 + i) * post);
                        if (accumulate) {
                            for (int k = 0; k < post; k++) {
                                dst[d + k] += src[s + k];
                            }
                        } else {
                            System.arraycopy(src, s, dst, d, post);
                        }
                    }
                }
            }
        }
    }

    /** Elements {@code [from, to)} along {@code axis}. */
    static Var slice(Var a, int axis, int from, int to) {
        int[] shape = a.shape();
        int ax = Shape.axis(axis, shape.length);
        if (from < 0 || to > shape[ax] || from > to) {
            throw new ShapeException("slice [" + from + ", " + to + ") out of range for axis " + axis
                    + " of length " + shape[ax] + " (shape " + OpSupport.str(shape) + ")");
        }
        int[] dims = OpSupport.splitAxis(shape, ax);
        int outer = dims[0];
        int n = dims[1];
        int inner = dims[2];
        int len = to - from;
        int[] outShape = shape.clone();
        outShape[ax] = len;
        Tensor av = a.value();
        float[] out = new float[outer * len * inner];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(av.data(), av.offset() + (o * n + from) * inner, out, o * len * inner, len * inner);
        }
        return Var.op(Tensor.of(out, outShape), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            float[] gd = g.data();
            for (int o = 0; o < outer; o++) {
                int dst = ga.offset() + (o * n + from) * inner;
                int src = g.offset() + o * len * inner;
                for (int k = 0; k < len * inner; k++) {
                    d[dst + k] += gd[src + k];
                }
            }
        }, a);
    }

    /** Joins parts along {@code axis}; every other dim must agree. */
    static Var concat(List<Var> parts, int axis) {
        if (parts.isEmpty()) {
            throw new ShapeException("concat needs at least one part");
        }
        int[] first = parts.get(0).shape();
        int ax = Shape.axis(axis, first.length);
        int total = 0;
        for (Var v : parts) {
            int[] s = v.shape();
            boolean ok = s.length == first.length;
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == ax || s[i] == first[i];
            }
            if (!ok) {
                throw new ShapeException("concat along axis " + axis + ": part of shape " + OpSupport.str(s)
                        + " does not match " + OpSupport.str(first) + " outside that axis");
            }
            total += s[ax];
        }
        int totalLen = total;
        int[] outShape = first.clone();
        outShape[ax] = totalLen;
        int[] dims = OpSupport.splitAxis(outShape, ax);
        int outer = dims[0];
        int inner = dims[2];
        float[] out = new float[Shape.size(outShape)];
        int[] starts = new int[parts.size()];
        int at = 0;
        for (int p = 0; p < parts.size(); p++) {
            starts[p] = at;
            Tensor t = parts.get(p).value();
            int len = t.dim(ax);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(t.data(), t.offset() + o * len * inner, out, (o * total + at) * inner, len * inner);
            }
            at += len;
        }
        Var[] inputs = parts.toArray(new Var[0]);
        return Var.op(Tensor.of(out, outShape), g -> {
            for (int p = 0; p < inputs.length; p++) {
                Var v = inputs[p];
                if (!v.requiresGrad()) {
                    continue;
                }
                Tensor gv = v.gradBuffer();
                int len = v.value().dim(ax);
                for (int o = 0; o < outer; o++) {
                    int src = g.offset() + (o * totalLen + starts[p]) * inner;
                    int dst = gv.offset() + o * len * inner;
                    for (int k = 0; k < len * inner; k++) {
                        gv.data()[dst + k] += g.data()[src + k];
                    }
                }
            }
        }, inputs);
    }
}
