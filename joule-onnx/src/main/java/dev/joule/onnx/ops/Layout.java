package dev.joule.onnx.ops;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.tensor.Tensor;

/**
 * Data movement shared by the layout operators (Transpose, Gather, Expand, Slice) for float and
 * integer values alike: the output is a sequence of runs, run {@code r} being {@code run} elements
 * copied from the source starting at {@code offsets[r]}.
 */
final class Layout {
    private Layout() {}

    static Value copyRuns(Value src, int[] outShape, int[] offsets, int run) {
        int n = offsets.length * run;
        if (src instanceof FloatValue f) {
            Tensor t = f.tensor();
            float[] s = t.data();
            int base = t.offset();
            float[] o = Buffers.floats(n);
            if (run == 1) {
                for (int r = 0; r < offsets.length; r++) {
                    o[r] = s[base + offsets[r]];
                }
            } else {
                for (int r = 0; r < offsets.length; r++) {
                    System.arraycopy(s, base + offsets[r], o, r * run, run);
                }
            }
            return Args.floatValue(o, outShape);
        }
        IntValue iv = (IntValue) src;
        long[] o = new long[n];
        for (int r = 0; r < offsets.length; r++) {
            System.arraycopy(iv.data(), offsets[r], o, r * run, run);
        }
        return new IntValue(o, outShape, iv.type());
    }

    /** The same elements under another shape (a copy for integers, a view for floats). */
    static Value reshaped(Value v, int[] shape) {
        if (v instanceof FloatValue f) {
            return new FloatValue(f.tensor().reshape(shape));
        }
        IntValue iv = (IntValue) v;
        return new IntValue(iv.data(), shape, iv.type());
    }

    /**
     * Source offsets of the runs of a general strided walk: output axis {@code i} has length
     * {@code outShape[i]} and advances the source by {@code srcStrides[i]}; the walk covers the first
     * {@code outerRank} axes and each visit starts a run at {@code start + Σ idx[i]·srcStrides[i]}.
     */
    static int[] walk(int[] outShape, int[] srcStrides, int outerRank, int start) {
        int count = 1;
        for (int i = 0; i < outerRank; i++) {
            count *= outShape[i];
        }
        int[] offsets = new int[count];
        int[] idx = new int[outerRank];
        int off = start;
        for (int r = 0; r < count; r++) {
            offsets[r] = off;
            for (int ax = outerRank - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += srcStrides[ax];
                if (idx[ax] < outShape[ax]) {
                    break;
                }
                off -= srcStrides[ax] * outShape[ax];
                idx[ax] = 0;
            }
        }
        return offsets;
    }

    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }
}
