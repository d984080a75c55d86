package dev.joule.compress.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.DequantizedForm;
import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.compress.TestModels;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.compress.quant.QuantizedLayer;
import dev.joule.compress.quant.Quantizer;
import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantized codes that run dequantized through an f32 kernel are saved as codes and come back on the same kernel. */
class DequantizedRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void dequantizedFormsKeepTheirCodesInTheFileAndTheirKernelAfterLoad() throws Exception {
        Model m = TestModels.fashion("gru", 61);
        Tensor x = TestModels.images(3, 62);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        TestModels.prune(layers, 0.5);
        List<QuantizedLayer> q8 = Quantizer.quantize(layers.subList(0, 2), Quantizer.Options.of(QuantScheme.INT8_WEIGHT));
        List<QuantizedLayer> q4 = Quantizer.quantize(layers.subList(2, layers.size()), Quantizer.Options.of(QuantScheme.INT4_WEIGHT));
        q8.get(0).layer().weight().setInferenceWeights(DequantizedForm.of(q8.get(0).form(), DequantizedForm.Kind.DENSE));
        q8.get(1).layer().weight().setInferenceWeights(DequantizedForm.of(q8.get(1).form(), DequantizedForm.Kind.CSR));
        // Every layer runs an f32 kernel (dense or CSR): run-to-run exact, unlike the vector weight-only kernels.
        q4.forEach(q -> q.layer().weight().setInferenceWeights(DequantizedForm.of(q.form(), DequantizedForm.Kind.DENSE)));
        JsonNode model = Checkpoints.json().valueToTree(ModelConfig.fashionMnist("gru"));
        CompressedCheckpoint.Saved saved = CompressedCheckpoint.save(tmp.resolve("g"), m, Checkpoint.config(model, null, null), null);
        assertTrue(saved.ratio() >= 3.5, "codes are stored, not f32: ratio " + saved.ratio());
        CompressedCheckpoint.Loaded loaded = CompressedCheckpoint.load(tmp.resolve("g"));
        TestModels.assertSameOutputs(m, loaded.model(), x);
        DequantizedForm a = assertInstanceOf(DequantizedForm.class, loaded.forms().get(q8.get(0).name()));
        assertEquals(DequantizedForm.Kind.DENSE, a.kind());
        assertInstanceOf(Int8Weights.class, a.stored());
        DequantizedForm b = assertInstanceOf(DequantizedForm.class, loaded.forms().get(q8.get(1).name()));
        assertEquals(DequantizedForm.Kind.CSR, b.kind());
        DequantizedForm c = assertInstanceOf(DequantizedForm.class, loaded.forms().get(q4.get(0).name()));
        assertInstanceOf(Int4Weights.class, c.stored());
    }
}
