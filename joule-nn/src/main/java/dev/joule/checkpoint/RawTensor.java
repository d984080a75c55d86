package dev.joule.checkpoint;

import dev.joule.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One safetensors tensor as its stored bytes: a dtype, a shape and the little-endian data, for files
 * that hold more than f32 (int8 codes, packed int4 nibbles, bitmasks, index lists). {@link SafeTensors#read}
 * stays f32-only; {@link SafeTensors#readRaw} and {@link SafeTensors#writeRaw} go through this type.
 *
 * @param dtype the stored element type
 * @param shape dimensions; their product times {@link DType#bytes} is {@code data.length}
 * @param data  the raw little-endian bytes (not copied)
 */
public record RawTensor(DType dtype, int[] shape, byte[] data) {

    /** The element types Joule writes and reads, by their safetensors names. */
    public enum DType {
        F32(4), I32(4), I8(1), U8(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** The dtype named {@code name} in a header, or null when Joule does not read it. */
        static DType parse(String name) {
            for (DType d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    public RawTensor {
        long elements = elements(shape);
        if (elements * dtype.bytes != data.length) {
            throw new IllegalArgumentException(dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + elements * dtype.bytes + " bytes, got " + data.length);
        }
    }

    /** The f32 values of {@code t} (its window only). */
    public static RawTensor f32(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data(), t.offset(), t.size());
        return new RawTensor(DType.F32, t.shape(), b.array());
    }

    /** f32 values with the given shape. */
    public static RawTensor f32(float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new RawTensor(DType.F32, shape, b.array());
    }

    /** Signed bytes (int8 codes), not copied. */
    public static RawTensor i8(byte[] codes, int... shape) {
        return new RawTensor(DType.I8, shape, codes);
    }

    /** Unsigned bytes (packed nibbles, bitmasks), not copied. */
    public static RawTensor u8(byte[] bytes, int... shape) {
        return new RawTensor(DType.U8, shape, bytes);
    }

    /** int32 values (index lists). */
    public static RawTensor i32(int[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new RawTensor(DType.I32, shape, b.array());
    }

    /** Number of elements. */
    public long size() {
        return elements(shape);
    }

    /** The f32 values as a tensor of this shape; only for {@link DType#F32}. */
    public Tensor toTensor() {
        return Tensor.of(toFloats(), shape);
    }

    /** The f32 values; only for {@link DType#F32}. */
    public float[] toFloats() {
        require(DType.F32);
        float[] v = new float[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /** The int32 values; only for {@link DType#I32}. */
    public int[] toInts() {
        require(DType.I32);
        int[] v = new int[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }

    private void require(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("tensor has dtype " + dtype + ", not " + expected);
        }
    }

    private static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }
}
