package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.tensor.Shape;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Reductions and scans along one axis. A tensor is read as {@code [outer, n, inner]} around the axis
 * ({@link OpSupport#splitAxis}); the last axis ({@code inner == 1}) gets plain row loops.
 */
final class ReduceOps {
    private ReduceOps() {}

    private static int[] reducedShape(int[] shape, int axis, boolean keepDim) {
        int a = Shape.axis(axis, shape.length);
        if (keepDim) {
            int[] s = shape.clone();
            s[a] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    static Var sum(Var a, int axis, boolean keepDim) {
        return sumScaled(a, axis, keepDim, 1f);
    }

    static Var mean(Var a, int axis, boolean keepDim) {
        int n = a.value().dim(axis);
        return sumScaled(a, axis, keepDim, n == 0 ? Float.NaN : 1f / n);
    }

    private static Var sumScaled(Var a, int axis, boolean keepDim, float scale) {
        int[] shape = a.shape();
        int[] dims = OpSupport.splitAxis(shape, axis);
        int outer = dims[0];
        int n = dims[1];
        int inner = dims[2];
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                int src = xo + (o * n + i) * inner;
                int dst = o * inner;
                for (int j = 0; j < inner; j++) {
                    out[dst + j] += x[src + j];
                }
            }
            if (scale != 1f) {
                for (int j = 0; j < inner; j++) {
                    out[o * inner + j] *= scale;
                }
            }
        }
        return Var.op(Tensor.of(out, reducedShape(shape, axis, keepDim)), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            int dOff = ga.offset();
            float[] gd = g.data();
            int go = g.offset();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < n; i++) {
                    int dst = dOff + (o * n + i) * inner;
                    int src = go + o * inner;
                    for (int j = 0; j < inner; j++) {
                        d[dst + j] += scale * gd[src + j];
                    }
                }
            }
        }, a);
    }

    /** Maximum along an axis; the gradient goes to the first maximal element of each slice. */
    static Var max(Var a, int axis, boolean keepDim) {
        int[] shape = a.shape();
        int[] dims = OpSupport.splitAxis(shape, axis);
        int outer = dims[0];
        int n = dims[1];
        int inner = dims[2];
        if (n == 0) {
            throw new ShapeException("max over an empty axis " + axis + " of shape " + Arrays.toString(shape));
        }
        Tensor av = a.value();
        int[] where = argmaxIndices(av, outer, n, inner);
        float[] x = av.data();
        int xo = av.offset();
        float[] out = new float[outer * inner];
        for (int k = 0; k < out.length; k++) {
            out[k] = x[xo + where[k]];
        }
        return Var.op(Tensor.of(out, reducedShape(shape, axis, keepDim)), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            float[] gd = g.data();
            for (int k = 0; k < where.length; k++) {
                d[ga.offset() + where[k]] += gd[g.offset() + k];
            }
        }, a);
    }

    /** Flat positions (relative to the tensor's offset) of the first maximum of each slice. */
    private static int[] argmaxIndices(Tensor t, int outer, int n, int inner) {
        float[] x = t.data();
        int xo = t.offset();
        int[] where = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * n * inner + j;
                int best = base;
                float bestV = x[xo + base];
                for (int i = 1; i < n; i++) {
                    int p = base + i * inner;
                    float v = x[xo + p];
                    if (v > bestV || (Float.isNaN(v) && !Float.isNaN(bestV))) {
                        bestV = v;
                        best = p;
                    }
                }
                where[o * inner + j] = best;
            }
        }
        return where;
    }

    /** Indices (as floats) of the first maximum along {@code axis}; the axis is removed. Not differentiable. */
    static Tensor argmax(Tensor a, int axis) {
        int[] shape = a.shape();
        int[] dims = OpSupport.splitAxis(shape, axis);
        if (dims[1] == 0) {
            throw new ShapeException("argmax over an empty axis " + axis + " of shape " + Arrays.toString(shape));
        }
        int[] where = argmaxIndices(a, dims[0], dims[1], dims[2]);
        float[] out = new float[where.length];
        int inner = dims[2];
        int n = dims[1];
        for (int k = 0; k < where.length; k++) {
            out[k] = (where[k] / inner) % n;
        }
        return Tensor.of(out, reducedShape(shape, axis, false));
    }

    static Var sumAll(Var a) {
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        double s = 0;
        for (int i = 0, n = av.size(); i < n; i++) {
            s += x[xo + i];
        }
        return Var.op(Tensor.scalar((float) s), g -> addConstant(a, g.item()), a);
    }

    static Var meanAll(Var a) {
        int n = a.value().size();
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xo + i];
        }
        return Var.op(Tensor.scalar((float) (s / n)), g -> addConstant(a, g.item() / n), a);
    }

    private static void addConstant(Var a, float c) {
        Tensor ga = a.gradBuffer();
        float[] d = ga.data();
        for (int i = ga.offset(), end = ga.offset() + ga.size(); i < end; i++) {
            d[i] += c;
        }
    }

    /** Inclusive running sum along {@code axis}; its backward is the reversed running sum of the gradient. */
    static Var cumsum(Var a, int axis) {
        int[] shape = a.shape();
        int[] dims = OpSupport.splitAxis(shape, axis);
        int outer = dims[0];
        int n = dims[1];
        int inner = dims[2];
        Tensor av = a.value();
        float[] x = av.data();
        int xo = av.offset();
        float[] out = new float[av.size()];
        for (int o = 0; o < outer; o++) {
            int base = o * n * inner;
            for (int j = 0; j < inner; j++) {
                float run = 0f;
                for (int i = 0; i < n; i++) {
                    int p = base + i * inner + j;
                    run += x[xo + p];
                    out[p] = run;
                }
            }
        }
        return Var.op(Tensor.of(out, shape), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            float[] gd = g.data();
            for (int o = 0; o < outer; o++) {
                int base = o * n * inner;
                for (int j = 0; j < inner; j++) {
                    float run = 0f;
                    for (int i = n - 1; i >= 0; i--) {
                        int p = base + i * inner + j;
                        run += gd[g.offset() + p];
                        d[ga.offset() + p] += run;
                    }
                }
            }
        }, a);
    }

    /** target's gradient [cols] += column sums of the row-major matrix g [rows, cols]. */
    static void addColumnSums(float[] g, int gOff, int rows, int cols, Tensor target) {
        float[] d = target.data();
        int dOff = target.offset();
        Kernels kern = Kernels.get();
        for (int r = 0; r < rows; r++) {
            kern.add(d, dOff, g, gOff + r * cols, d, dOff, cols);
        }
    }
}
