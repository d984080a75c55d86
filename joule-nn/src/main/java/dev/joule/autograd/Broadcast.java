package dev.joule.autograd;

import dev.joule.tensor.Shape;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * NumPy broadcasting for the elementwise ops, tuned for the layouts models actually use.
 *
 * <p>An operand of a broadcast is read as a flat array with a <em>period</em>: its element for output
 * position {@code i} is {@code data[off + i % period]}. Same-shape operands have {@code period == n}; an
 * operand whose shape is a suffix of the output (a bias {@code [d]} against {@code [B, T, d]}) repeats
 * with {@code period == its size}. Anything else (a {@code [B, 1, d]} against {@code [B, T, d]}) is
 * expanded once into a full copy, which is slower but rare.
 */
final class Broadcast {
    private Broadcast() {}

    /** A flat operand: element {@code i} of the output reads {@code data[off + i % period]}. */
    record Operand(float[] data, int off, int period) {}

    /** Views {@code t} as an operand of the broadcast to {@code outShape}, expanding only when needed. */
    static Operand operand(Tensor t, int[] outShape) {
        int n = Shape.size(outShape);
        int[] s = t.shape();
        if (isSuffix(s, outShape)) {
            return new Operand(t.data(), t.offset(), Math.max(t.size(), 1));
        }
        return new Operand(expand(t, outShape), 0, Math.max(n, 1));
    }

    /** True when {@code s}, without leading ones, equals the trailing dims of {@code out}. */
    static boolean isSuffix(int[] s, int[] out) {
        int start = 0;
        while (start < s.length && s[start] == 1) {
            start++;
        }
        int len = s.length - start;
        if (len > out.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[start + i] != out[out.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    /** Strides of {@code in} aligned to {@code out}'s rank, 0 along broadcast dims. */
    private static int[] alignedStrides(int[] in, int[] out) {
        int r = out.length;
        int[] inStrides = Shape.strides(in);
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - in.length);
            st[i] = j >= 0 && in[j] != 1 ? inStrides[j] : 0;
        }
        return st;
    }

    /** A full copy of {@code t} broadcast to {@code outShape}. */
    static float[] expand(Tensor t, int[] outShape) {
        int n = Shape.size(outShape);
        float[] dst = new float[n];
        float[] src = t.data();
        int base = t.offset();
        int[] st = alignedStrides(t.shape(), outShape);
        int[] idx = new int[outShape.length];
        int s = 0;
        for (int i = 0; i < n; i++) {
            dst[i] = src[base + s];
            s = step(idx, st, outShape, s);
        }
        return dst;
    }

    /** Advances the odometer {@code idx} over {@code shape} and returns the new source position. */
    private static int step(int[] idx, int[] st, int[] shape, int s) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d]++;
            s += st[d];
            if (idx[d] < shape[d]) {
                return s;
            }
            s -= st[d] * shape[d];
            idx[d] = 0;
        }
        return s;
    }

    /**
     * Adds {@code sign * full} (a gradient of the broadcast output's shape) into {@code target}'s gradient,
     * summed over the dims along which {@code target} was broadcast.
     */
    static void reduceInto(float[] full, int fullOff, float sign, int[] outShape, Var target) {
        int n = Shape.size(outShape);
        Tensor g = target.gradBuffer();
        float[] d = g.data();
        int dOff = g.offset();
        int[] ts = target.shape();
        if (isSuffix(ts, outShape)) {
            int p = Math.max(g.size(), 1);
            for (int r = 0; r < n; r += p) {
                int base = fullOff + r;
                for (int j = 0; j < p; j++) {
                    d[dOff + j] += sign * full[base + j];
                }
            }
            return;
        }
        int[] st = alignedStrides(ts, outShape);
        int[] idx = new int[outShape.length];
        int s = 0;
        for (int i = 0; i < n; i++) {
            d[dOff + s] += sign * full[fullOff + i];
            s = step(idx, st, outShape, s);
        }
    }

    static boolean same(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }
}
