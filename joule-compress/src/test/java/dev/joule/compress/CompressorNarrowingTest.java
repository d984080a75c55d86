package dev.joule.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.data.Batch;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A structurally pruned Transformer runs its feed-forward channels and attention heads narrowed: the
 * compressor gives every matrix of a pruned unit group a shrunk form, reports the kept block's MACs, and the
 * model computes what its stored weights compute densely.
 */
class CompressorNarrowingTest {

    @Test
    void prunedTransformerBlocksRunOnlyTheKeptUnits() {
        Model model = ModelRegistry.create(ModelConfig.fashionMnist("transformer"), 3);
        Tensor x = images(new SplittableRandom(4), 6);
        List<Batch> validation = List.of(new Batch(x, new int[] {0, 1, 2, 3, 4, 5}));
        CompressionSpec spec = new CompressionSpec(new PruneSpec(0.5, PruneSpec.Structure.STRUCTURED), QuantScheme.INT8_WEIGHT,
                null, false, 0, false, 0, 1e-3f, Double.NaN, 6, 1);

        CompressionResult r = Compressor.compress(model, spec, new CompressionData(null, validation, x, List.of()));

        int narrowed = 0;
        for (LayerReport l : r.layers()) {
            if (l.name().startsWith("blocks.")) {
                assertTrue(l.reason().startsWith("narrowed in its module"), l.name() + ": " + l.reason());
                assertEquals(l.denseMacs() / 2, l.macs(), l.name() + ": half the heads and channels are multiplied");
                narrowed++;
            }
        }
        assertEquals(12, narrowed, "2 blocks × (q, k, v, out, up, down)");
        float[] compressed = infer(model, x);
        // The weight values hold exactly the stored (pruned, int8) matrices: the dense model on them is the reference.
        for (Var w : model.namedParameters().values()) {
            if (w.inferenceWeights() != null) {
                w.setInferenceWeights(null);
            }
        }
        float[] dense = infer(model, x);
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], compressed[i], 1e-4 * Math.max(1, Math.abs(dense[i])), "logit " + i);
        }
    }

    private static float[] infer(Model m, Tensor x) {
        try (NoGrad g = NoGrad.enter()) {
            return m.forward(x).value().toArray();
        }
    }

    private static Tensor images(SplittableRandom rnd, int batch) {
        float[] d = new float[batch * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextDouble();
        }
        return Tensor.of(d, batch, 28, 28);
    }
}
