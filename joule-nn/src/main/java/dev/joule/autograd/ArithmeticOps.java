package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.wants;

import dev.joule.autograd.Broadcast.Operand;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.Shape;
import dev.joule.tensor.Tensor;

/**
 * Elementwise arithmetic with NumPy broadcasting. Gradients are computed at the output's shape and
 * summed back to each input's shape ({@link Broadcast#reduceInto}).
 */
final class ArithmeticOps {
    private ArithmeticOps() {}

    private static final int ADD = 0;
    private static final int SUB = 1;
    private static final int MUL = 2;
    private static final int DIV = 3;

    static Var add(Var a, Var b) {
        return binary(ADD, a, b);
    }

    static Var sub(Var a, Var b) {
        return binary(SUB, a, b);
    }

    static Var mul(Var a, Var b) {
        return binary(MUL, a, b);
    }

    static Var div(Var a, Var b) {
        return binary(DIV, a, b);
    }

    /** An operand of the output's shape passes {@code +g} on as it is (shared, not copied); otherwise reduce. */
    private static void passOrReduce(Tensor g, float sign, int[] outShape, Var target) {
        if (sign == 1f && Broadcast.same(target.shape(), outShape)) {
            target.shareGrad(g);
        } else {
            Broadcast.reduceInto(g.data(), g.offset(), sign, outShape, target);
        }
    }

    private static Var binary(int kind, Var a, Var b) {
        int[] outShape = Shape.broadcast(a.shape(), b.shape());
        int n = Shape.size(outShape);
        Operand x = Broadcast.operand(a.value(), outShape);
        Operand y = Broadcast.operand(b.value(), outShape);
        float[] out = new float[n];
        apply(kind, x, y, out, n);
        Tensor result = Tensor.of(out, outShape);
        return Var.op(result, g -> {
            float[] gd = g.data();
            int go = g.offset();
            Operand gOp = new Operand(gd, go, Math.max(n, 1));
            switch (kind) {
                case ADD, SUB -> {
                    if (wants(a)) {
                        passOrReduce(g, 1f, outShape, a);
                    }
                    if (wants(b)) {
                        passOrReduce(g, kind == ADD ? 1f : -1f, outShape, b);
                    }
                }
                case MUL -> {
                    if (wants(a)) {
                        reduceProduct(MUL, gOp, y, n, outShape, 1f, a);
                    }
                    if (wants(b)) {
                        reduceProduct(MUL, gOp, x, n, outShape, 1f, b);
                    }
                }
                default -> {
                    if (wants(a)) {
                        reduceProduct(DIV, gOp, y, n, outShape, 1f, a);
                    }
                    if (wants(b)) {
                        // d(a/b)/db = -(a/b)/b, and a/b is the saved output.
                        float[] gc = new float[n];
                        apply(MUL, gOp, new Operand(out, 0, Math.max(n, 1)), gc, n);
                        reduceProduct(DIV, new Operand(gc, 0, Math.max(n, 1)), y, n, outShape, -1f, b);
                    }
                }
            }
        }, a, b);
    }

    private static void reduceProduct(int kind, Operand g, Operand other, int n, int[] outShape, float sign, Var target) {
        float[] tmp = new float[n];
        apply(kind, g, other, tmp, n);
        Broadcast.reduceInto(tmp, 0, sign, outShape, target);
    }

    /** out[i] = x[i] (op) y[i] over rows as long as the shorter period; the longer operand is full-size. */
    private static void apply(int kind, Operand x, Operand y, float[] out, int n) {
        int row = Math.min(x.period(), y.period());
        if (row == 0) {
            return;
        }
        // One IEEE operation per element, so splitting rows across threads cannot change any result.
        Parallel.parallelFor((n + row - 1) / row, Math.max(1, PARALLEL_ELEMENTS / row), (r0, r1) -> {
            for (int r = r0 * row, end = (int) Math.min(n, (long) r1 * row); r < end; r += row) {
                int xo = x.off() + r % x.period();
                int yo = y.off() + r % y.period();
                switch (kind) {
                    case ADD -> addRow(x.data(), xo, y.data(), yo, out, r, row);
                    case SUB -> subRow(x.data(), xo, y.data(), yo, out, r, row);
                    case MUL -> mulRow(x.data(), xo, y.data(), yo, out, r, row);
                    default -> divRow(x.data(), xo, y.data(), yo, out, r, row);
                }
            }
        });
    }

    /** Elementwise work per parallel chunk, at least. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private static void addRow(float[] x, int xo, float[] y, int yo, float[] out, int oo, int len) {
        for (int i = 0; i < len; i++) {
            out[oo + i] = x[xo + i] + y[yo + i];
        }
    }

    private static void subRow(float[] x, int xo, float[] y, int yo, float[] out, int oo, int len) {
        for (int i = 0; i < len; i++) {
            out[oo + i] = x[xo + i] - y[yo + i];
        }
    }

    private static void mulRow(float[] x, int xo, float[] y, int yo, float[] out, int oo, int len) {
        for (int i = 0; i < len; i++) {
            out[oo + i] = x[xo + i] * y[yo + i];
        }
    }

    private static void divRow(float[] x, int xo, float[] y, int yo, float[] out, int oo, int len) {
        for (int i = 0; i < len; i++) {
            out[oo + i] = x[xo + i] / y[yo + i];
        }
    }

    /** s · a. */
    static Var scale(Var a, float s) {
        Tensor av = a.value();
        float[] src = av.data();
        int so = av.offset();
        int n = av.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = s * src[so + i];
        }
        return Var.op(Tensor.of(out, a.shape()), g -> addScaled(a, g, s), a);
    }

    static Var neg(Var a) {
        return scale(a, -1f);
    }

    /** a + s. */
    static Var addScalar(Var a, float s) {
        Tensor av = a.value();
        float[] src = av.data();
        int so = av.offset();
        int n = av.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = src[so + i] + s;
        }
        return Var.op(Tensor.of(out, a.shape()), g -> addScaled(a, g, 1f), a);
    }

    /** a². */
    static Var square(Var a) {
        Tensor av = a.value();
        float[] src = av.data();
        int so = av.offset();
        int n = av.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float v = src[so + i];
            out[i] = v * v;
        }
        return Var.op(Tensor.of(out, a.shape()), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            int dOff = ga.offset();
            float[] gd = g.data();
            int go = g.offset();
            for (int i = 0; i < n; i++) {
                d[dOff + i] += 2f * src[so + i] * gd[go + i];
            }
        }, a);
    }

    /** √a; the gradient at 0 is infinite, as in PyTorch. */
    static Var sqrt(Var a) {
        Tensor av = a.value();
        float[] src = av.data();
        int so = av.offset();
        int n = av.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sqrt(src[so + i]);
        }
        return Var.op(Tensor.of(out, a.shape()), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            int dOff = ga.offset();
            float[] gd = g.data();
            int go = g.offset();
            for (int i = 0; i < n; i++) {
                d[dOff + i] += 0.5f * gd[go + i] / out[i];
            }
        }, a);
    }

    /** a's gradient += s · g. */
    static void addScaled(Var a, Tensor g, float s) {
        Tensor ga = a.gradBuffer();
        float[] d = ga.data();
        int dOff = ga.offset();
        float[] gd = g.data();
        int go = g.offset();
        for (int i = 0, n = ga.size(); i < n; i++) {
            d[dOff + i] += s * gd[go + i];
        }
    }

    /** Where {@code mask} (broadcast to a's shape) is non-zero the output is {@code value} and the gradient 0. */
    static Var maskedFill(Var a, Tensor mask, float value) {
        int[] shape = a.shape();
        int[] bs = Shape.broadcast(shape, mask.shape());
        if (!Broadcast.same(bs, shape)) {
            throw new dev.joule.tensor.ShapeException("maskedFill: mask of shape " + OpSupport.str(mask.shape())
                    + " must broadcast to the input's shape " + OpSupport.str(shape));
        }
        Tensor av = a.value();
        float[] src = av.data();
        int so = av.offset();
        int n = av.size();
        Operand m = Broadcast.operand(mask, shape);
        float[] md = m.data();
        int mp = m.period();
        float[] out = new float[n];
        for (int r = 0; r < n; r += mp) {
            for (int j = 0; j < mp && r + j < n; j++) {
                out[r + j] = md[m.off() + j] != 0f ? value : src[so + r + j];
            }
        }
        return Var.op(Tensor.of(out, shape), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            int dOff = ga.offset();
            float[] gd = g.data();
            int go = g.offset();
            for (int r = 0; r < n; r += mp) {
                for (int j = 0; j < mp && r + j < n; j++) {
                    if (md[m.off() + j] == 0f) {
                        d[dOff + r + j] += gd[go + r + j];
                    }
                }
            }
        }, a);
    }
}
