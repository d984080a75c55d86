package dev.joule.onnx;

import java.util.Arrays;

/**
 * An integer or boolean tensor value, row-major in a {@code long[]} (booleans as 0 and 1). Encoder
 * graphs use these for token ids, attention masks and the shape arithmetic PyTorch's exporter emits.
 */
public record IntValue(long[] data, int[] shape, ElementType type) implements Value {

    public IntValue {
        if (type == ElementType.FLOAT) {
            throw new IllegalArgumentException("IntValue cannot hold FLOAT; use FloatValue");
        }
        int n = Value.checkedSize(shape, "int tensor");
        if (n != data.length) {
            throw new OnnxException("int tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " elements, got " + data.length);
        }
        shape = shape.clone();
    }

    public static IntValue int64(long[] data, int... shape) {
        return new IntValue(data, shape, ElementType.INT64);
    }

    public static IntValue scalar(long v) {
        return new IntValue(new long[] {v}, new int[0], ElementType.INT64);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    public String toString() {
        return "IntValue" + Arrays.toString(shape) + " " + type + " "
                + Arrays.toString(data.length > 8 ? Arrays.copyOf(data, 8) : data);
    }
}
