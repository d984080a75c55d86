package dev.joule.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes, strides, axes, broadcasting. */
public final class Shape {
    private Shape() {}

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new ShapeException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    static int[] check(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        size(shape);
        return shape.clone();
    }

    /** Row-major strides in elements. */
    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** Normalises a possibly negative axis for a tensor of {@code rank}. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new ShapeException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    static int flatIndex(int[] shape, int[] index) {
        if (index.length != shape.length) {
            throw new ShapeException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
        }
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new ShapeException("index " + Arrays.toString(index) + " out of bounds for shape " + Arrays.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** Resolves a single -1 in {@code shape} so that it holds {@code size} elements. */
    static int[] infer(int[] shape, int size) {
        int[] s = shape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && unknown < 0) {
                unknown = i;
            } else if (s[i] < 0) {
                throw new ShapeException("bad reshape target " + Arrays.toString(shape));
            } else {
                known *= s[i];
            }
        }
        if (unknown >= 0 && known > 0 && size % known == 0) {
            s[unknown] = (int) (size / known);
        }
        if (size(s) != size) {
            throw new ShapeException("cannot reshape " + size + " elements to " + Arrays.toString(shape));
        }
        return s;
    }

    /** The NumPy broadcast of two shapes, or a {@link ShapeException} naming both. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }
}
