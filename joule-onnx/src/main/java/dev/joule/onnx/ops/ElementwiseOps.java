package dev.joule.onnx.ops;

import dev.joule.autograd.Erf;
import dev.joule.kernel.Kernels;
import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Broadcasting arithmetic (Add, Sub, Mul, Div, Pow), comparison (Equal, Where) and the unary math
 * ops. Float rows go through {@link Kernels} where a kernel exists; integer tensors (shape arithmetic)
 * take a plain element loop since they hold a handful of elements.
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    enum Binary { ADD, SUB, MUL, DIV, POW }

    static void register(Map<String, Operator> ops) {
        ops.put("Add", (n, in) -> binary(n, in, Binary.ADD));
        ops.put("Sub", (n, in) -> binary(n, in, Binary.SUB));
        ops.put("Mul", (n, in) -> binary(n, in, Binary.MUL));
        ops.put("Div", (n, in) -> binary(n, in, Binary.DIV));
        ops.put("Pow", (n, in) -> binary(n, in, Binary.POW));
        ops.put("Equal", ElementwiseOps::equal);
        ops.put("Where", ElementwiseOps::where);
        ops.put("Not", (n, in) -> {
            IntValue a = Args.ints(n, in, 0);
            long[] out = new long[a.data().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.data()[i] == 0 ? 1 : 0;
            }
            return Args.one(new IntValue(out, a.shape(), ElementType.BOOL));
        });
        ops.put("Sqrt", (n, in) -> unary(n, in, x -> (float) Math.sqrt(x)));
        ops.put("Erf", (n, in) -> unary(n, in, x -> (float) Erf.erf(x)));
        ops.put("Tanh", (n, in) -> unary(n, in, x -> (float) Math.tanh(x)));
        ops.put("Exp", (n, in) -> unary(n, in, x -> (float) Math.exp(x)));
        ops.put("Log", (n, in) -> unary(n, in, x -> (float) Math.log(x)));
        ops.put("Relu", (n, in) -> unary(n, in, x -> x > 0 ? x : 0f));
        ops.put("Sigmoid", (n, in) -> unary(n, in, x -> (float) (1.0 / (1.0 + Math.exp(-x)))));
        ops.put("Reciprocal", (n, in) -> unary(n, in, x -> 1f / x));
        ops.put("Abs", (n, in) -> unary(n, in, Math::abs));
        ops.put("Neg", (n, in) -> in.length > 0 && in[0] instanceof IntValue iv
                ? Args.one(new IntValue(Arrays.stream(iv.data()).map(x -> -x).toArray(), iv.shape(), iv.type()))
                : unary(n, in, x -> -x));
    }

    @FunctionalInterface
    interface FloatFn {
        float apply(float x);
    }

    static Value[] unary(Node node, Value[] in, FloatFn fn) {
        Tensor x = Args.floats(node, in, 0);
        float[] src = x.data();
        int off = x.offset();
        float[] out = Buffers.floats(x.size());
        for (int i = 0; i < out.length; i++) {
            out[i] = fn.apply(src[off + i]);
        }
        return Args.one(Args.floatValue(out, x.shape()));
    }

    static Value[] binary(Node node, Value[] in, Binary op) {
        Value a = Args.required(node, in, 0);
        Value b = Args.required(node, in, 1);
        if (a instanceof FloatValue fa && b instanceof FloatValue fb) {
            return Args.one(floatBinary(node, fa.tensor(), fb.tensor(), op));
        }
        if (a instanceof IntValue ia && b instanceof IntValue ib) {
            return Args.one(intBinary(node, ia, ib, op));
        }
        throw node.error("operands must have the same element type, got " + a.type() + " and " + b.type());
    }

    static FloatValue floatBinary(Node node, Tensor a, Tensor b, Binary op) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] out = Broadcasting.shape(node, as, bs);
        float[] o = Buffers.floats(dev.joule.onnx.Value.checkedSize(out, node.describe()));
        if (Arrays.equals(as, out) && Arrays.equals(bs, out)) {
            row(op, a.data(), a.offset(), 1, b.data(), b.offset(), 1, o, 0, o.length);
            return Args.floatValue(o, out);
        }
        int cols = out.length == 0 ? 1 : out[out.length - 1];
        int[] aRows = Broadcasting.rowOffsets(as, out);
        int[] bRows = Broadcasting.rowOffsets(bs, out);
        int aStep = Broadcasting.lastStride(as, out);
        int bStep = Broadcasting.lastStride(bs, out);
        for (int r = 0; r < aRows.length; r++) {
            row(op, a.data(), a.offset() + aRows[r], aStep, b.data(), b.offset() + bRows[r], bStep, o, r * cols, cols);
        }
        return Args.floatValue(o, out);
    }

    /** One output row: each operand is contiguous (step 1) or one repeated element (step 0). */
    private static void row(Binary op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] o, int oo, int n) {
        if (xs == 1 && ys == 1 && op != Binary.DIV && op != Binary.POW) {
            Kernels k = Kernels.get();
            switch (op) {
                case ADD -> k.add(x, xo, y, yo, o, oo, n);
                case SUB -> k.sub(x, xo, y, yo, o, oo, n);
                default -> k.mul(x, xo, y, yo, o, oo, n);
            }
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i * xs] + y[yo + i * ys]; } }
            case SUB -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i * xs] - y[yo + i * ys]; } }
            case MUL -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i * xs] * y[yo + i * ys]; } }
            case DIV -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i * xs] / y[yo + i * ys]; } }
            case POW -> { for (int i = 0; i < n; i++) { o[oo + i] = pow(x[xo + i * xs], y[yo + i * ys]); } }
        }
    }

    private static float pow(float x, float y) {
        return y == 2f ? x * x : (float) Math.pow(x, y);
    }

    private static IntValue intBinary(Node node, IntValue a, IntValue b, Binary op) {
        int[] out = Broadcasting.shape(node, a.shape(), b.shape());
        int[] ao = Broadcasting.elementOffsets(a.shape(), out);
        int[] bo = Broadcasting.elementOffsets(b.shape(), out);
        long[] o = new long[ao.length];
        for (int i = 0; i < o.length; i++) {
            long x = a.data()[ao[i]];
            long y = b.data()[bo[i]];
            o[i] = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> {
                    if (y == 0) {
                        throw node.error("integer division by zero");
                    }
                    yield x / y;
                }
                case POW -> (long) Math.pow(x, y);
            };
        }
        return new IntValue(o, out, a.type());
    }

    private static Value[] equal(Node node, Value[] in) {
        Value a = Args.required(node, in, 0);
        Value b = Args.required(node, in, 1);
        int[] out = Broadcasting.shape(node, a.shape(), b.shape());
        int[] ao = Broadcasting.elementOffsets(a.shape(), out);
        int[] bo = Broadcasting.elementOffsets(b.shape(), out);
        long[] o = new long[ao.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = element(a, ao[i]) == element(b, bo[i]) ? 1 : 0;
        }
        return Args.one(new IntValue(o, out, ElementType.BOOL));
    }

    private static double element(Value v, int i) {
        if (v instanceof FloatValue f) {
            return f.tensor().data()[f.tensor().offset() + i];
        }
        return ((IntValue) v).data()[i];
    }

    private static Value[] where(Node node, Value[] in) {
        IntValue cond = Args.ints(node, in, 0);
        Value x = Args.required(node, in, 1);
        Value y = Args.required(node, in, 2);
        if (x.type() != y.type()) {
            throw node.error("X and Y must have the same type, got " + x.type() + " and " + y.type());
        }
        int[] out = Broadcasting.shape(node, Broadcasting.shape(node, cond.shape(), x.shape()), y.shape());
        int[] co = Broadcasting.elementOffsets(cond.shape(), out);
        int[] xo = Broadcasting.elementOffsets(x.shape(), out);
        int[] yo = Broadcasting.elementOffsets(y.shape(), out);
        if (x instanceof FloatValue fx) {
            Tensor tx = fx.tensor();
            Tensor ty = ((FloatValue) y).tensor();
            float[] o = new float[co.length];
            for (int i = 0; i < o.length; i++) {
                o[i] = cond.data()[co[i]] != 0 ? tx.data()[tx.offset() + xo[i]] : ty.data()[ty.offset() + yo[i]];
            }
            return Args.one(Args.floatValue(o, out));
        }
        long[] o = new long[co.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = cond.data()[co[i]] != 0 ? ((IntValue) x).data()[xo[i]] : ((IntValue) y).data()[yo[i]];
        }
        return Args.one(new IntValue(o, out, x.type()));
    }
}
