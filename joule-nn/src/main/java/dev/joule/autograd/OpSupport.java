package dev.joule.autograd;

import dev.joule.tensor.Shape;
import dev.joule.tensor.ShapeException;
import java.util.Arrays;

/** Small helpers shared by the op families: gradient bookkeeping and axis splitting. */
final class OpSupport {
    private OpSupport() {}

    /** True when an op should save what its backward needs: grad mode is on and some input wants a gradient. */
    static boolean needsGrad(Var... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Var v : inputs) {
            if (v != null && v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code v} is present and collects a gradient. */
    static boolean wants(Var v) {
        return v != null && v.requiresGrad();
    }

    /** The non-null inputs, for ops with optional parameters (a missing bias). */
    static Var[] present(Var... inputs) {
        int n = 0;
        for (Var v : inputs) {
            n += v == null ? 0 : 1;
        }
        Var[] out = new Var[n];
        int i = 0;
        for (Var v : inputs) {
            if (v != null) {
                out[i++] = v;
            }
        }
        return out;
    }

    /** Adds {@code n} floats of {@code src} into {@code target}'s gradient buffer. */
    static void addInto(Var target, float[] src, int srcOff) {
        var g = target.gradBuffer();
        float[] d = g.data();
        int dOff = g.offset();
        for (int i = 0, n = g.size(); i < n; i++) {
            d[dOff + i] += src[srcOff + i];
        }
    }

    /**
     * Splits a shape around {@code axis} into {@code [outer, n, inner]}: element {@code (o, i, j)} sits at
     * {@code (o * n + i) * inner + j}. Reductions and scans along any axis run as three flat loops over it.
     */
    static int[] splitAxis(int[] shape, int axis) {
        int a = Shape.axis(axis, shape.length);
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= shape[i];
        }
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return new int[] {outer, shape[a], inner};
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static void requireRank(String op, String what, int[] shape, int rank) {
        if (shape.length != rank) {
            throw new ShapeException(op + ": " + what + " must have rank " + rank + ", got shape " + str(shape));
        }
    }

    static void requireShape(String op, String what, int[] actual, int... expected) {
        if (!Arrays.equals(actual, expected)) {
            throw new ShapeException(op + ": " + what + " must have shape " + str(expected) + ", got " + str(actual));
        }
    }
}
