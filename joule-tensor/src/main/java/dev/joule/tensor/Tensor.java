package dev.joule.tensor;

import java.util.Arrays;

/**
 * A dense, row-major f32 tensor: a window {@code [offset, offset + size)} of a {@code float[]}.
 *
 * <p>The window is always contiguous, so every kernel can read it as a flat array with an offset.
 * Views that keep it contiguous are free ({@link #reshape}, {@link #rows}); anything else
 * (transpose, strided slices) copies. Views share storage: writing through one is seen by the other.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.size = Shape.size(shape);
        if (offset < 0 || offset + size > data.length) {
            throw new ShapeException("tensor window [" + offset + ", " + (offset + size) + ") of shape "
                    + Arrays.toString(shape) + " does not fit in storage of " + data.length + " floats");
        }
    }

    public static Tensor zeros(int... shape) {
        int[] s = Shape.check(shape);
        return new Tensor(new float[Shape.size(s)], 0, s);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Wraps {@code data} without copying; its length must equal the shape's size. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = Shape.check(shape);
        if (Shape.size(s) != data.length) {
            throw new ShapeException("shape " + Arrays.toString(s) + " holds " + Shape.size(s)
                    + " floats, the array has " + data.length);
        }
        return new Tensor(data, 0, s);
    }

    /** A window of {@code data} starting at {@code offset}, without copying. */
    public static Tensor view(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, Shape.check(shape));
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, 0, new int[0]);
    }

    public Tensor zerosLike() {
        return zeros(shape);
    }

    /** The backing array; read it from {@link #offset()} for {@link #size()} floats. */
    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    public int size() {
        return size;
    }

    public int rank() {
        return shape.length;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The length of {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    /** Product of all dimensions but the last: the number of rows when read as a matrix. */
    public int rows() {
        return shape.length == 0 ? 1 : size / shape[shape.length - 1];
    }

    /** Length of the last axis. */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    public float item() {
        if (size != 1) {
            throw new ShapeException("item() needs a tensor of one element, this one has shape " + Arrays.toString(shape));
        }
        return data[offset];
    }

    public float get(int... index) {
        return data[offset + Shape.flatIndex(shape, index)];
    }

    public void set(float value, int... index) {
        data[offset + Shape.flatIndex(shape, index)] = value;
    }

    /** The same storage under another shape; one dimension may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        return new Tensor(data, offset, Shape.infer(newShape, size));
    }

    /** Rows {@code [from, to)} along axis 0, sharing storage. */
    public Tensor rows(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new ShapeException("rows [" + from + ", " + to + ") out of range for shape " + Arrays.toString(shape));
        }
        int[] s = shape.clone();
        s[0] = to - from;
        int stride = shape[0] == 0 ? 0 : size / shape[0];
        return new Tensor(data, offset + from * stride, s);
    }

    /** A fresh tensor with its own storage. */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape.clone());
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    public void fill(float value) {
        Arrays.fill(data, offset, offset + size, value);
    }

    /** Copies {@code src}'s elements into this tensor; sizes must match. */
    public void copyFrom(Tensor src) {
        if (src.size != size) {
            throw new ShapeException("copy of " + Arrays.toString(src.shape) + " into " + Arrays.toString(shape));
        }
        System.arraycopy(src.data, src.offset, data, offset, size);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(" [");
        int n = Math.min(size, 8);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[offset + i]);
        }
        return sb.append(size > n ? ", ...]" : "]").toString();
    }
}
