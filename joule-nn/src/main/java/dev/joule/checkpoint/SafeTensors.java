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
 * The safetensors format (Hugging Face), f32 only, so Python tools read Joule's weights directly.
 *
 * <pre>
 * [8 bytes: header length N, unsigned little-endian]
 * [N bytes: UTF-8 JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 *                       "__metadata__": {"key": "value"}}, padded with spaces to a multiple of 8]
 * [data: little-endian f32; offsets are relative to the start of this region]
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

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().size();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
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

    public static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": file not found");
        }
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /** Parses a whole safetensors file held in memory; {@code name} is used in error messages. */
    public static Contents parse(String name, byte[] bytes) {
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
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        List<String> rangeNames = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA)) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            TensorEntry entry = TensorEntry.parse(name, e.getKey(), e.getValue(), dataBytes);
            ranges.add(new long[] {entry.begin, entry.end});
            rangeNames.add(e.getKey());
            tensors.put(e.getKey(), entry.load(bytes, dataStart));
        }
        checkNoOverlap(name, ranges, rangeNames);
        return new Contents(tensors, metadata);
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
    private record TensorEntry(String tensor, int[] shape, long begin, long end) {
        static TensorEntry parse(String file, String tensor, JsonNode node, long dataBytes) {
            String where = file + ": tensor '" + tensor + "'";
            String dtype = node.path("dtype").asText("");
            if (!dtype.equals("F32")) {
                throw new CheckpointException(where + " has dtype '" + dtype + "'; Joule reads only F32 (convert with safetensors in Python)");
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
            if (end - begin != 4 * elements) {
                throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " needs " + 4 * elements
                        + " bytes, data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
            }
            return new TensorEntry(tensor, shape, begin, end);
        }

        Tensor load(byte[] bytes, int dataStart) {
            float[] values = new float[(int) ((end - begin) / 4)];
            ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin))
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return Tensor.of(values, shape);
        }
    }
}
