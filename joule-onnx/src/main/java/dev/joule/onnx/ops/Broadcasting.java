package dev.joule.onnx.ops;

import dev.joule.onnx.graph.Node;

/**
 * NumPy broadcasting as ONNX defines it (multidirectional). Operands are read through strides
 * aligned to the output's rank, 0 along broadcast dimensions; the output is walked row by row along
 * its last axis so that the inner loop is a plain contiguous (or constant) read.
 */
final class Broadcasting {
    private Broadcasting() {}

    static int[] shape(Node node, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw node.error("shapes " + java.util.Arrays.toString(a) + " and " + java.util.Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of {@code in} aligned to {@code out}'s rank, 0 along broadcast dims. */
    static int[] strides(int[] in, int[] out) {
        int r = out.length;
        int[] st = new int[r];
        int s = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            int j = i + (r - in.length);
            st[j] = in[i] == 1 ? 0 : s;
            s *= in[i];
        }
        return st;
    }

    /** For each row of {@code out} (all axes but the last), the flat offset of that row in the operand. */
    static int[] rowOffsets(int[] operandShape, int[] out) {
        int[] st = strides(operandShape, out);
        int r = out.length;
        int rows = 1;
        for (int i = 0; i < r - 1; i++) {
            rows *= out[i];
        }
        int[] offsets = new int[rows];
        int[] idx = new int[Math.max(r - 1, 0)];
        int off = 0;
        for (int row = 0; row < rows; row++) {
            offsets[row] = off;
            for (int ax = r - 2; ax >= 0; ax--) {
                idx[ax]++;
                off += st[ax];
                if (idx[ax] < out[ax]) {
                    break;
                }
                off -= st[ax] * out[ax];
                idx[ax] = 0;
            }
        }
        return offsets;
    }

    /** The stride of the operand along the output's last axis: 1, or 0 when broadcast. */
    static int lastStride(int[] operandShape, int[] out) {
        return out.length == 0 ? 0 : strides(operandShape, out)[out.length - 1];
    }

    /** The flat operand offset of every output element; for small or irregular cases. */
    static int[] elementOffsets(int[] operandShape, int[] out) {
        int[] rowOff = rowOffsets(operandShape, out);
        int cols = out.length == 0 ? 1 : out[out.length - 1];
        int step = lastStride(operandShape, out);
        int[] offsets = new int[rowOff.length * cols];
        for (int r = 0; r < rowOff.length; r++) {
            for (int c = 0; c < cols; c++) {
                offsets[r * cols + c] = rowOff[r] + c * step;
            }
        }
        return offsets;
    }
}
