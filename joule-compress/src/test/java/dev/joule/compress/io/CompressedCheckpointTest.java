package dev.joule.compress.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.checkpoint.RawTensor;
import dev.joule.checkpoint.SafeTensors;
import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.compress.TestModels;
import dev.joule.compress.quant.Calibration;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.compress.quant.Quantizer;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import dev.joule.kernel.forms.SparseWeights;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.sparse.CsrMatrix;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressedCheckpointTest {
    @TempDir
    Path tmp;

    private static ObjectNode config(String arch) {
        JsonNode model = Checkpoints.json().valueToTree(ModelConfig.fashionMnist(arch));
        return Checkpoint.config(model, null, null);
    }

    /** A fashion-mnist transformer, 50 % magnitude-pruned per layer, then W8A8 on every linear layer. */
    private Model prunedInt8Transformer(Tensor x) {
        return prunedInt8("transformer", x);
    }

    private Model prunedInt8(String arch, Tensor x) {
        Model m = TestModels.fashion(arch, 21);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        TestModels.prune(layers, 0.5);
        Quantizer.quantize(layers, Quantizer.Options.of(QuantScheme.W8A8));
        return m;
    }

    @Test
    void prunedInt8TransformerRoundTripsBitForBitAndIsAtLeast3_5TimesSmaller() throws Exception {
        Tensor x = TestModels.images(5, 22);
        Model m = prunedInt8Transformer(x);
        Path dir = tmp.resolve("t8");
        CompressedCheckpoint.Saved saved = CompressedCheckpoint.save(dir, m, config("transformer"), null);

        CompressedCheckpoint.Loaded loaded = CompressedCheckpoint.load(dir);
        TestModels.assertSameOutputs(m, loaded.model(), x);                  // bit-identical outputs after load
        assertEquals(saved.compressedLayers(), loaded.forms().size());
        loaded.forms().values().forEach(f -> assertInstanceOf(Int8Weights.class, f));
        m.namedParameters().forEach((name, v) -> assertArrayEquals(v.value().toArray(),
                loaded.model().namedParameters().get(name).value().toArray(), name));

        // The same parameters as a plain f32 checkpoint file, for the size ratio.
        Map<String, Tensor> f32 = new LinkedHashMap<>();
        m.namedParameters().forEach((name, v) -> f32.put(name, v.value()));
        Path plain = tmp.resolve("f32.safetensors");
        SafeTensors.write(plain, f32, Map.of("format", "pt"));
        double ratio = (double) Files.size(plain) / saved.fileBytes();
        System.out.printf("fashion-mnist transformer, 50%% pruned + int8: f32 %d B, compressed %d B, ratio %.2f%n",
                Files.size(plain), saved.fileBytes(), ratio);
        assertTrue(ratio >= 3.5, "compressed checkpoint must be >= 3.5x smaller than f32, got " + ratio);
        JsonNode layers = Checkpoints.json().readTree(dir.resolve("config.json").toFile()).path("compression").path("layers");
        assertEquals("bitmask", layers.path("head.weight").path("storage").asText(), layers.toString());
        assertEquals("w8a8", layers.path("head.weight").path("scheme").asText());
    }

    /** The recurrent models of the acceptance line: same recipe, same bound. */
    @Test
    void prunedInt8RecurrentModelsAreAtLeast3_5TimesSmaller() throws Exception {
        Tensor x = TestModels.images(2, 31);
        for (String arch : new String[] {"lstm", "gru"}) {
            Model m = prunedInt8(arch, x);
            CompressedCheckpoint.Saved saved = CompressedCheckpoint.save(tmp.resolve(arch), m, config(arch), null);
            System.out.printf("fashion-mnist %s, 50%% pruned + int8: f32 parameters %d B, compressed file %d B, ratio %.2f%n",
                    arch, saved.f32Bytes(), saved.fileBytes(), saved.ratio());
            assertTrue(saved.ratio() >= 3.5, arch + ": ratio " + saved.ratio());
        }
    }

    @Test
    void lstmWithStaticAndDynamicW8a8RoundTripsBitForBit() throws Exception {
        Model m = TestModels.fashion("lstm", 23);
        Tensor x = TestModels.images(3, 24);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        List<LinearLayer> first = layers.subList(0, 1);
        List<LinearLayer> rest = layers.subList(1, layers.size());
        Quantizer.quantize(m, first, QuantScheme.W8A8_STATIC, Calibration.percentile(99.9), List.of(x));
        Quantizer.quantize(rest, Quantizer.Options.of(QuantScheme.W8A8).withMseWeightClipping(true));
        Path dir = tmp.resolve("lstm");
        CompressedCheckpoint.save(dir, m, config("lstm"), Checkpoints.json().createObjectNode().put("note", "test"));
        CompressedCheckpoint.Loaded loaded = CompressedCheckpoint.load(dir);
        TestModels.assertSameOutputs(m, loaded.model(), x);
        Int8Weights f = assertInstanceOf(Int8Weights.class, loaded.forms().get(first.get(0).name()));
        assertEquals(Int8Weights.Scheme.W8A8_STATIC, f.scheme());
        assertEquals(Int8Weights.Scheme.W8A8_DYNAMIC,
                assertInstanceOf(Int8Weights.class, loaded.forms().get(rest.get(0).name())).scheme());
        assertEquals("test", loaded.config().path("compression").path("report").path("note").asText());
        assertTrue(CompressedCheckpoint.isCompressed(dir));
    }

    /**
     * Weight-only int4 and int8 come back with exactly the stored nibbles, codes and scales. Their
     * outputs are compared to float rounding only: the vector weight-only kernels sum f32 lanes with
     * {@code reduceLanes(ADD)}, whose order differs between interpreted and JIT-compiled code, so even
     * one model run twice can differ in the last bit while the JIT warms up (W8A8 sums integers: exact).
     */
    @Test
    void weightOnlyLayersKeepTheirExactCodes() throws Exception {
        Model m = TestModels.fashion("lstm", 33);
        Tensor x = TestModels.images(3, 34);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        Quantizer.quantize(layers.subList(0, 1), Quantizer.Options.of(QuantScheme.INT8_WEIGHT));
        Quantizer.quantize(layers.subList(1, layers.size()), Quantizer.Options.of(QuantScheme.INT4_WEIGHT).withMseWeightClipping(true));
        float[] before = TestModels.forwardNoGrad(m, x);
        Path dir = tmp.resolve("wo");
        CompressedCheckpoint.save(dir, m, config("lstm"), null);
        CompressedCheckpoint.Loaded loaded = CompressedCheckpoint.load(dir);
        for (LinearLayer l : layers) {
            LinearWeights saved = l.weight().inferenceWeights();
            LinearWeights back = loaded.forms().get(l.name());
            assertEquals(saved.getClass(), back.getClass(), l.name());
            if (saved instanceof Int4Weights a) {
                assertArrayEquals(a.matrix().packed(), ((Int4Weights) back).matrix().packed(), l.name());
                assertArrayEquals(a.matrix().scales(), ((Int4Weights) back).matrix().scales(), l.name());
            } else {
                assertArrayEquals(((Int8Weights) saved).matrix().codes(), ((Int8Weights) back).matrix().codes(), l.name());
                assertArrayEquals(((Int8Weights) saved).matrix().scales(), ((Int8Weights) back).matrix().scales(), l.name());
            }
            assertArrayEquals(l.weight().value().toArray(), loaded.model().namedParameters().get(l.name()).value().toArray());
        }
        TestModels.assertCloseOutputs(before, TestModels.forwardNoGrad(loaded.model(), x));
    }

    @Test
    void sparseShrunkAndDenseFormsRoundTrip() throws Exception {
        Model m = TestModels.fashion("mlp", 25);
        Tensor x = TestModels.images(4, 26);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        TestModels.prune(layers, 0.8);
        LinearLayer a = layers.get(0);
        a.weight().setInferenceWeights(SparseWeights.of(CsrMatrix.fromDense(a.weight().value().toArray(), 0, a.out(), a.in(), 0f)));
        LinearLayer b = layers.get(layers.size() - 1);
        int[] rows = {0, 2, 3, 5, 9};
        int[] cols = new int[b.in() / 2];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = 2 * i;
        }
        float[] masked = new float[b.out() * b.in()];
        float[] w = b.weight().value().toArray();
        for (int r : rows) {
            for (int c : cols) {
                masked[r * b.in() + c] = w[r * b.in() + c];
            }
        }
        b.weight().value().copyFrom(Tensor.of(masked, b.out(), b.in()));
        float[] small = new float[rows.length * cols.length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < cols.length; c++) {
                small[r * cols.length + c] = masked[rows[r] * b.in() + cols[c]];
            }
        }
        Int8Matrix q = Int8Matrix.quantize(small, 0, rows.length, cols.length);
        float[] deq = q.dequantize();
        Arrays.fill(masked, 0f);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < cols.length; c++) {
                masked[rows[r] * b.in() + cols[c]] = deq[r * cols.length + c];
            }
        }
        b.weight().value().copyFrom(Tensor.of(masked, b.out(), b.in()));
        b.weight().setInferenceWeights(ShrunkWeights.of(b.out(), b.in(), rows, cols, Int8Weights.w8a8(q)));
        if (layers.size() > 2) {
            LinearLayer c = layers.get(1);
            c.weight().setInferenceWeights(new DenseWeights(c.out(), c.in(), c.weight().value().toArray()));
        }
        Path dir = tmp.resolve("mlp");
        CompressedCheckpoint.save(dir, m, config("mlp"), null);
        CompressedCheckpoint.Loaded loaded = CompressedCheckpoint.load(dir);
        TestModels.assertSameOutputs(m, loaded.model(), x);
        assertInstanceOf(SparseWeights.class, loaded.forms().get(a.name()));
        ShrunkWeights s = assertInstanceOf(ShrunkWeights.class, loaded.forms().get(b.name()));
        assertArrayEquals(rows, s.keptRows());
        assertInstanceOf(Int8Weights.class, s.small());
    }

    @Test
    void oneFlippedByteInAScaleTensorIsRejectedNamingTensorFileAndFix() throws Exception {
        Tensor x = TestModels.images(2, 27);
        Path dir = tmp.resolve("flip");
        CompressedCheckpoint.save(dir, prunedInt8Transformer(x), config("transformer"), null);
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        String tensor = "head.weight.scale";
        bytes[dataStart(bytes) + offsets(bytes, tensor)[0] + 2] ^= 0x10;
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CompressedCheckpoint.load(dir));
        String msg = e.getMessage();
        assertTrue(msg.contains("scale tensor '" + tensor + "'") && msg.contains(file.toString())
                && msg.contains("re-run joule compress") && msg.contains("CRC32"), msg);
    }

    @Test
    void aNonPositiveScaleWithAValidCrcIsRejectedToo() throws Exception {
        Tensor x = TestModels.images(2, 28);
        Path dir = tmp.resolve("neg");
        CompressedCheckpoint.save(dir, prunedInt8Transformer(x), config("transformer"), null);
        Path file = dir.resolve("model.safetensors");
        SafeTensors.RawContents c = SafeTensors.readRaw(file);
        Map<String, RawTensor> tensors = new LinkedHashMap<>(c.tensors());
        String tensor = "head.weight.scale";
        float[] s = tensors.get(tensor).toFloats();
        s[3] = -s[3];
        tensors.put(tensor, RawTensor.f32(s, s.length));
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put(CompressedCheckpoint.CRC_PREFIX + tensor, Crc.hex(tensors.get(tensor).data()));
        SafeTensors.writeRaw(file, tensors, meta);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CompressedCheckpoint.load(dir));
        assertTrue(e.getMessage().contains("scale tensor '" + tensor + "' holds " + s[3] + " at index 3")
                && e.getMessage().contains("re-run joule compress"), e.getMessage());
    }

    @Test
    void aTruncatedFileGivesAClearError() throws Exception {
        Tensor x = TestModels.images(2, 29);
        Path dir = tmp.resolve("cut");
        CompressedCheckpoint.save(dir, prunedInt8Transformer(x), config("transformer"), null);
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CompressedCheckpoint.load(dir));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("re-run joule compress"), e.getMessage());
        Files.write(file, Arrays.copyOf(bytes, 5));
        e = assertThrows(CheckpointException.class, () -> CompressedCheckpoint.load(dir));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void anInterruptedSaveFallsBackToThePreviousCheckpoint() throws Exception {
        Tensor x = TestModels.images(2, 32);
        Model m = prunedInt8("mlp", x);
        Path dir = tmp.resolve("ck");
        CompressedCheckpoint.save(dir, m, config("mlp"), null);
        CompressedCheckpoint.save(dir, m, config("mlp"), null);              // replaces it whole
        assertTrue(Files.notExists(tmp.resolve("ck.old")) && Files.notExists(tmp.resolve("ck.tmp")));
        Files.move(dir, tmp.resolve("ck.old"));                               // a crash between the two renames
        TestModels.assertSameOutputs(m, CompressedCheckpoint.load(dir).model(), x);
    }

    @Test
    void aPlainCheckpointIsNotMistakenForACompressedOne() throws Exception {
        Model m = TestModels.fashion("mlp", 30);
        Path dir = tmp.resolve("plain");
        Map<String, Tensor> w = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> w.put(k, v.value()));
        Checkpoints.save(dir, new Checkpoint(config("mlp"), w, null, null));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CompressedCheckpoint.load(dir));
        assertTrue(e.getMessage().contains("uncompressed"), e.getMessage());
    }

    private static int dataStart(byte[] file) {
        return 8 + (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static int[] offsets(byte[] file, String tensor) throws Exception {
        JsonNode header = Checkpoints.json().readTree(new String(file, 8, dataStart(file) - 8, StandardCharsets.UTF_8));
        JsonNode o = header.path(tensor).path("data_offsets");
        assertTrue(o.isArray(), tensor + " in " + header.fieldNames());
        return new int[] {o.get(0).asInt(), o.get(1).asInt()};
    }
}
