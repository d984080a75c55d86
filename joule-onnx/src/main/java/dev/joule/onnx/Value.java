package dev.joule.onnx;

import java.util.Arrays;

/** A value flowing through an ONNX graph: a float tensor ({@link FloatValue}) or an integer one ({@link IntValue}). */
public sealed interface Value permits FloatValue, IntValue {

    /** Values larger than this are refused: a malformed shape must not take the heap down. */
    long MAX_ELEMENTS = 1L << 28;

    int[] shape();

    ElementType type();

    default int rank() {
        return shape().length;
    }

    default int size() {
        return checkedSize(shape(), "value");
    }

    /** The element count of {@code shape}, or an {@link OnnxException} when it is negative or too large. */
    static int checkedSize(int[] shape, String what) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new OnnxException(what + ": negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new OnnxException(what + ": shape " + Arrays.toString(shape) + " holds more than "
                        + MAX_ELEMENTS + " elements, the most Joule's ONNX executor allocates");
            }
        }
        return (int) n;
    }

    /** The same shape check for {@code long} dimensions as they come from a file or a shape tensor. */
    static int[] checkedShape(long[] dims, String what) {
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > MAX_ELEMENTS) {
                throw new OnnxException(what + ": dimension " + dims[i] + " in shape " + Arrays.toString(dims)
                        + " is out of range [0, " + MAX_ELEMENTS + "]");
            }
            shape[i] = (int) dims[i];
        }
        checkedSize(shape, what);
        return shape;
    }
}
