package dev.joule.compress.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.compress.TestModels;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.compress.quant.Quantizer;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.UnknownModelException;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Probe, W8A8 and a save/load round trip work the same for every architecture of the zoo that reads images. */
class EveryArchitectureRoundTripTest {
    @TempDir
    Path tmp;

    static List<String> architectures() {
        return ModelRegistry.names();
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void quantizedModelRoundTripsBitForBit(String arch) throws Exception {
        ModelConfig cfg = ModelConfig.fashionMnist(arch);
        Model m;
        try {
            m = ModelRegistry.create(cfg, 51);
        } catch (UnknownModelException | IllegalArgumentException e) {
            return;                                          // a token-only architecture
        }
        m.setTraining(false);
        Tensor x = TestModels.images(2, 52);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        if (arch.equals("csnn")) {
            // Its inference runs event-driven spike kernels (Synapses) that read the weight values directly,
            // not Ops.linear: no form can attach there, so the probe rightly finds nothing.
            assertTrue(layers.isEmpty(), "csnn gained an Ops.linear layer: " + layers);
            return;
        }
        assertFalse(layers.isEmpty(), arch + " multiplies through Ops.linear");
        Quantizer.quantize(layers, Quantizer.Options.of(QuantScheme.W8A8));
        JsonNode model = Checkpoints.json().valueToTree(cfg);
        CompressedCheckpoint.Saved saved = CompressedCheckpoint.save(tmp.resolve(arch), m, Checkpoint.config(model, null, null), null);
        assertEquals(layers.size(), saved.compressedLayers(), arch);
        CompressedCheckpoint.Loaded loaded = CompressedCheckpoint.load(tmp.resolve(arch));
        TestModels.assertSameOutputs(m, loaded.model(), x);
    }
}
