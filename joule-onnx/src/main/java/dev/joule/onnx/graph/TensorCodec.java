package dev.joule.onnx.graph;

import com.google.protobuf.ByteString;
import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.joule.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code TensorProto} to {@link Value} and back. A tensor's elements come from exactly one place:
 * {@code raw_data} (little-endian, row-major), the typed repeated field, or an external file; their
 * count must equal the product of {@code dims}, checked before anything is allocated.
 */
public final class TensorCodec {
    private TensorCodec() {}

    /**
     * Decodes {@code t}. {@code baseDir} is the model file's folder, where external data lives; null
     * when the model was read from memory (external data is then an error).
     */
    public static Value decode(TensorProto t, Path baseDir) {
        String what = "tensor '" + t.getName() + "'";
        ElementType type = ElementType.ofOnnx(t.getDataType(), what);
        int[] shape = Value.checkedShape(t.getDimsList().stream().mapToLong(Long::longValue).toArray(), what);
        int n = Value.checkedSize(shape, what);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return fromBytes(type, shape, n, readExternal(t, baseDir, n * (long) width(type), what), what);
        }
        if (t.hasRawData()) {
            return fromBytes(type, shape, n, t.getRawData(), what);
        }
        return switch (type) {
            case FLOAT -> {
                checkCount(what, "float_data", t.getFloatDataCount(), n);
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = t.getFloatData(i);
                }
                yield FloatValue.of(f, shape);
            }
            case INT64 -> {
                checkCount(what, "int64_data", t.getInt64DataCount(), n);
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = t.getInt64Data(i);
                }
                yield new IntValue(l, shape, type);
            }
            case INT32, BOOL, INT8, UINT8 -> {
                checkCount(what, "int32_data", t.getInt32DataCount(), n);
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = type == ElementType.BOOL ? (t.getInt32Data(i) != 0 ? 1 : 0) : t.getInt32Data(i);
                }
                yield new IntValue(l, shape, type);
            }
        };
    }

    /** Encodes {@code v} with {@code raw_data}, as exporters usually do. */
    public static TensorProto encode(String name, Value v) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(v.type().onnxCode());
        for (int d : v.shape()) {
            b.addDims(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(v.size() * width(v.type())).order(ByteOrder.LITTLE_ENDIAN);
        if (v instanceof FloatValue f) {
            buf.asFloatBuffer().put(f.toArray());
        } else {
            IntValue iv = (IntValue) v;
            for (long x : iv.data()) {
                switch (v.type()) {
                    case INT64 -> buf.putLong(x);
                    case INT32 -> buf.putInt((int) x);
                    default -> buf.put((byte) x);
                }
            }
        }
        return b.setRawData(ByteString.copyFrom(buf.array())).build();
    }

    static int width(ElementType type) {
        return switch (type) {
            case FLOAT, INT32 -> 4;
            case INT64 -> 8;
            case BOOL, INT8, UINT8 -> 1;
        };
    }

    private static void checkCount(String what, String field, int actual, int expected) {
        if (actual != expected) {
            throw new OnnxException(what + ": " + field + " holds " + actual + " elements, its shape needs "
                    + expected + "; the file is truncated or corrupt");
        }
    }

    private static Value fromBytes(ElementType type, int[] shape, int n, ByteString bytes, String what) {
        long expected = n * (long) width(type);
        if (bytes.size() != expected) {
            throw new OnnxException(what + ": raw data has " + bytes.size() + " bytes, its shape "
                    + java.util.Arrays.toString(shape) + " of " + type + " needs " + expected
                    + "; the file is truncated or corrupt");
        }
        ByteBuffer buf = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (type == ElementType.FLOAT) {
            float[] f = new float[n];
            buf.asFloatBuffer().get(f);
            return FloatValue.of(f, shape);
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = switch (type) {
                case INT64 -> buf.getLong();
                case INT32 -> buf.getInt();
                case INT8 -> buf.get();
                case UINT8 -> buf.get() & 0xFF;
                default -> buf.get() != 0 ? 1 : 0;
            };
        }
        return new IntValue(l, shape, type);
    }

    private static ByteString readExternal(TensorProto t, Path baseDir, long length, String what) {
        String location = null;
        long offset = 0;
        long declaredLength = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), what, "offset");
                case "length" -> declaredLength = parseLong(e.getValue(), what, "length");
                default -> { }
            }
        }
        if (location == null) {
            throw new OnnxException(what + ": external data without a 'location' entry");
        }
        if (baseDir == null) {
            throw new OnnxException(what + ": data is in external file '" + location
                    + "', which needs the model loaded from a file path, not from memory");
        }
        if (declaredLength >= 0 && declaredLength != length) {
            throw new OnnxException(what + ": external length " + declaredLength + " bytes, its shape needs " + length);
        }
        Path file = baseDir.resolve(location).normalize();
        if (!file.startsWith(baseDir.normalize())) {
            throw new OnnxException(what + ": external data location '" + location + "' leaves the model's folder");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset < 0 || offset + length > ch.size()) {
                throw new OnnxException(what + ": external file " + file + " has " + ch.size()
                        + " bytes, the tensor needs [" + offset + ", " + (offset + length) + ")");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // read until full
            }
            buf.flip();
            return ByteString.copyFrom(buf);
        } catch (IOException e) {
            throw new OnnxException(what + ": cannot read external data " + file + ": " + e.getMessage(), e);
        }
    }

    private static long parseLong(String s, String what, String key) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new OnnxException(what + ": external data " + key + " '" + s + "' is not a number");
        }
    }

}
