package dev.joule.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsTensorsAndMetadata() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.of(new float[] {1, -2.5f, Float.MIN_VALUE, 3e38f, 0.1f, -0f}, 2, 3));
        tensors.put("b", Tensor.of(new float[] {7}, 1));
        tensors.put("s", Tensor.scalar(4f));
        Path f = dir.resolve("x.safetensors");
        SafeTensors.write(f, tensors, Map.of("producer", "joule"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(tensors.keySet(), c.tensors().keySet());
        for (String k : tensors.keySet()) {
            assertArrayEquals(tensors.get(k).shape(), c.tensors().get(k).shape(), k);
            assertArrayEquals(tensors.get(k).toArray(), c.tensors().get(k).toArray(), k);
        }
        assertEquals("joule", c.metadata().get("producer"));
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals(8 + n + 4 * 8, bytes.length);
        assertEquals(1f, ByteBuffer.wrap(bytes, 8 + (int) n, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void readsAHandWrittenStandardFile() {
        byte[] file = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1.5f, -2f));
        SafeTensors.Contents c = SafeTensors.parse("hand", file);
        assertArrayEquals(new float[] {1.5f, -2f}, c.tensors().get("a").toArray());
    }

    @Test
    void rejectsTruncatedFile() {
        assertError(new byte[] {1, 0, 0}, "truncated");
    }

    @Test
    void rejectsHeaderLengthBeyondFile() {
        byte[] f = file("{}", new byte[0]);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        assertError(f, "header length 1000 is beyond");
    }

    @Test
    void rejectsOffsetsOutOfRange() {
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floats(1, 2)), "out of range");
    }

    @Test
    void rejectsUnknownDtype() {
        assertError(file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", floats(1)), "dtype 'BF16'");
    }

    @Test
    void rejectsOverlappingTensors() {
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2, 3)), "overlap");
    }

    @Test
    void rejectsShapeThatDisagreesWithOffsets() {
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2)), "needs 12 bytes");
    }

    @Test
    void rejectsInvalidJson() {
        assertError(file("{\"a\":", new byte[0]), "not valid JSON");
    }

    @Test
    void missingFileIsACheckpointError() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(dir.resolve("none.safetensors")));
        assertTrue(e.getMessage().contains("none.safetensors"));
    }

    private static void assertError(byte[] bytes, String expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.parse("m.safetensors", bytes));
        assertTrue(e.getMessage().startsWith("m.safetensors") && e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return Arrays.copyOf(b.array(), b.capacity());
    }
    @Test
    void rawTensorsOfEveryDtypeRoundTrip() throws Exception {
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        tensors.put("codes", RawTensor.i8(new byte[] {-127, 0, 5, 127, -1, 3}, 2, 3));
        tensors.put("nibbles", RawTensor.u8(new byte[] {(byte) 0xF1, 0x08, 0x7F}, 3));
        tensors.put("scale", RawTensor.f32(new float[] {0.5f, 2e-3f}, 2));
        tensors.put("rows", RawTensor.i32(new int[] {0, 7, -3}, 3));
        Path f = dir.resolve("q.safetensors");
        SafeTensors.writeRaw(f, tensors, Map.of("crc", "1"));
        SafeTensors.RawContents c = SafeTensors.readRaw(f);
        assertEquals(tensors.keySet(), c.tensors().keySet());
        for (String k : tensors.keySet()) {
            RawTensor a = tensors.get(k), b = c.tensors().get(k);
            assertEquals(a.dtype(), b.dtype(), k);
            assertArrayEquals(a.shape(), b.shape(), k);
            assertArrayEquals(a.data(), b.data(), k);
        }
        assertArrayEquals(new float[] {0.5f, 2e-3f}, c.tensors().get("scale").toFloats());
        assertArrayEquals(new int[] {0, 7, -3}, c.tensors().get("rows").toInts());
        assertEquals("1", c.metadata().get("crc"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("'codes' has dtype 'I8'") && e.getMessage().contains("CompressedCheckpoint"),
                e.getMessage());
    }

    @Test
    void rawReadingChecksByteCountsPerDtype() {
        byte[] file = file("{\"a\":{\"dtype\":\"I8\",\"shape\":[3],\"data_offsets\":[0,4]}}", floats(1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.parseRaw("f", file));
        assertTrue(e.getMessage().contains("needs 3 bytes"), e.getMessage());
    }
}
