package dev.joule.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face), so Python tools read Joule's weights directly. {@link #read}
 * and {@link #write} handle f32 tensors (training checkpoints); {@link #readRaw} and {@link #writeRaw}
 * also carry I8, U8 and I32 tensors as their raw bytes ({@link RawTensor}), which compressed checkpoints
 * use for int8 codes, packed int4 nibbles, bitmasks and index lists.
 *
 * <pre>
 * [8 bytes: header length N, unsigned little-endian]
 * [N bytes: UTF-8 JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 *                       "__metadata__": {"key": "value"}}, padded with spaces to a multiple of 8]
 * [data: little-endian elements; offsets are relative to the start of this region]
 * </pre>
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** Refuse absurd headers before allocating them (the reference implementation's limit). */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private SafeTensors() {}

    /** A file's tensors in header order and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** A file's tensors of any supported dtype, as stored, in header order, and its metadata. */
    public record RawContents(Map<String, RawTensor> tensors, Map<String, String> metadata) {}

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = header(metadata);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            offset = describe(header, e.getKey(), RawTensor.DType.F32, e.getValue().shape(), offset, 4L * e.getValue().size());
        }
        byte[] headerBytes = paddedJson(header);
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(len.array());
            out.write(headerBytes);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                float[] d = t.data();
                for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
                    if (buf.remaining() < 4) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(d[i]);
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    /** Writes tensors of any {@link RawTensor.DType} atomically (temp file, then rename), data in map order. */
    public static void writeRaw(Path file, Map<String, RawTensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(file, encodeRaw(tensors, metadata));
    }

    /** The bytes of a safetensors file holding {@code tensors} (any dtype) and {@code metadata}. */
    public static byte[] encodeRaw(Map<String, RawTensor> tensors, Map<String, String> metadata) {
        ObjectNode header = header(metadata);
        long offset = 0;
        for (Map.Entry<String, RawTensor> e : tensors.entrySet()) {
            RawTensor t = e.getValue();
            offset = describe(header, e.getKey(), t.dtype(), t.shape(), offset, t.data().length);
        }
        byte[] headerBytes = paddedJson(header);
        long total = 8L + headerBytes.length + offset;
        if (total > Integer.MAX_VALUE - 8) {
            throw new CheckpointException("safetensors file of " + total + " bytes is too large to build in memory");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerBytes.length).put(headerBytes);
        for (RawTensor t : tensors.values()) {
            out.put(t.data());
        }
        return out.array();
    }

    /** Reads every tensor as stored (F32, I32, I8, U8); other dtypes are rejected by name. */
    public static RawContents readRaw(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": file not found");
        }
        return parseRaw(file.toString(), Files.readAllBytes(file));
    }

    private static ObjectNode header(Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        return header;
    }

    /** Adds one header entry starting at {@code offset}; returns the offset after it. */
    private static long describe(ObjectNode header, String name, RawTensor.DType dtype, int[] dims, long offset, long bytes) {
        ObjectNode t = header.putObject(name);
        t.put("dtype", dtype.name());
        ArrayNode shape = t.putArray("shape");
        for (int d : dims) {
            shape.add(d);
        }
        t.putArray("data_offsets").add(offset).add(offset + bytes);
        return offset + bytes;
    }

    /** The header JSON padded with spaces to a multiple of 8 bytes. */
    private static byte[] paddedJson(ObjectNode header) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        return headerBytes;
    }

    public static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": file not found");
        }
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /** Parses a whole f32 safetensors file held in memory; {@code name} is used in error messages. */
    public static Contents parse(String name, byte[] bytes) {
        RawContents raw = parse(name, bytes, false);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        raw.tensors().forEach((k, v) -> tensors.put(k, v.toTensor()));
        return new Contents(tensors, raw.metadata());
    }

    /** Parses a whole safetensors file of any supported dtype held in memory; {@code name} is used in error messages. */
    public static RawContents parseRaw(String name, byte[] bytes) {
        return parse(name, bytes, true);
    }

    private static RawContents parse(String name, byte[] bytes, boolean anyDtype) {
        if (bytes.length < 8) {
            throw new CheckpointException(name + ": truncated safetensors file: " + bytes.length
                    + " bytes, expected at least the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8L) {
            throw new CheckpointException(name + ": safetensors header length " + Long.toUnsignedString(headerLength)
                    + " is beyond the file's " + (bytes.length - 8) + " bytes after the length field (truncated or not safetensors)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointException(name + ": safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(name + ": safetensors header must be a JSON object");
        }
        int dataStart = 8 + (int) headerLength;
        long dataBytes = bytes.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA)) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            TensorEntry entry = TensorEntry.parse(name, e.getKey(), e.getValue(), dataBytes, anyDtype);
            ranges.add(new long[] {entry.begin, entry.end});
            rangeNames.add(e.getKey());
            tensors.put(e.getKey(), entry.load(bytes, dataStart));
        }
        checkNoOverlap(name, ranges, rangeNames);
        return new RawContents(tensors, metadata);
    }

    private static void checkNoOverlap(String name, List<long[]> ranges, List<String> names) {
        Integer[] order = new Integer[ranges.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(ranges.get(a)[0], ranges.get(b)[0]));
        for (int i = 1; i < order.length; i++) {
            long[] prev = ranges.get(order[i - 1]);
            long[] cur = ranges.get(order[i]);
            if (cur[0] < prev[1] && cur[1] > cur[0] && prev[1] > prev[0]) {
                throw new CheckpointException(name + ": tensors '" + names.get(order[i - 1]) + "' " + Arrays.toString(prev)
                        + " and '" + names.get(order[i]) + "' " + Arrays.toString(cur) + " overlap in the data region");
            }
        }
    }

    /** One header entry, validated against the data region. */
    private record TensorEntry(String tensor, RawTensor.DType dtype, int[] shape, long begin, long end) {
        static TensorEntry parse(String file, String tensor, JsonNode node, long dataBytes, boolean anyDtype) {
            String where = file + ": tensor '" + tensor + "'";
            String dtypeName = node.path("dtype").asText("");
            RawTensor.DType dtype = RawTensor.DType.parse(dtypeName);
            if (!anyDtype && dtype != RawTensor.DType.F32) {
                throw new CheckpointException(where + " has dtype '" + dtypeName + "'; Joule reads only F32 here (convert with"
                        + " safetensors in Python; a compressed checkpoint with I8/U8 tensors loads with CompressedCheckpoint)");
            }
            if (dtype == null) {
                throw new CheckpointException(where + " has dtype '" + dtypeName + "'; Joule reads F32, I32, I8 and U8"
                        + " (convert with safetensors in Python)");
            }
            JsonNode shapeNode = node.path("shape");
            JsonNode offsets = node.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new CheckpointException(where + ": header entry needs \"shape\" (array) and \"data_offsets\" ([begin, end])");
            }
            int[] shape = new int[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = shapeNode.get(i).asLong(-1);
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw new CheckpointException(where + ": bad dimension " + shapeNode.get(i) + " in shape " + shapeNode);
                }
                shape[i] = (int) d;
                elements *= d;
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataBytes) {
                throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end
                        + "] out of range: the data region has " + dataBytes + " bytes (file truncated?)");
            }
            if (end - begin != dtype.bytes() * elements) {
                throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " needs " + dtype.bytes() * elements
                        + " bytes, data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
            }
            return new TensorEntry(tensor, dtype, shape, begin, end);
        }

        RawTensor load(byte[] bytes, int dataStart) {
            int from = dataStart + (int) begin;
            return new RawTensor(dtype, shape, Arrays.copyOfRange(bytes, from, from + (int) (end - begin)));
        }
    }
}
