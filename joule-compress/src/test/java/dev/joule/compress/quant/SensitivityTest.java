package dev.joule.compress.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.compress.TestModels;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class SensitivityTest {

    /** Fraction of rows whose arg-max agrees with the f32 model's: 1.0 before quantization. */
    private static ToDoubleFunction<Model> agreement(Model m, Tensor x) {
        int[] ref = argmax(TestModels.forwardNoGrad(m, x), 10);
        return model -> {
            int[] p = argmax(TestModels.forwardNoGrad(model, x), 10);
            int same = 0;
            for (int i = 0; i < p.length; i++) {
                same += p[i] == ref[i] ? 1 : 0;
            }
            return (double) same / p.length;
        };
    }

    private static int[] argmax(float[] logits, int classes) {
        int[] out = new int[logits.length / classes];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[r * classes + c] > logits[r * classes + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    @Test
    void reportRanksLayersAndFallbackMeetsTheBudget() {
        Model m = TestModels.fashion("mlp", 11);
        Tensor x = TestModels.images(16, 12);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        ToDoubleFunction<Model> acc = agreement(m, x);
        Quantizer.Options int4 = Quantizer.Options.of(QuantScheme.INT4_WEIGHT);
        Sensitivity.Report report = Sensitivity.report(layers, int4, acc, m);
        assertEquals(1.0, report.baseline());
        assertEquals(layers.size(), report.layers().size());
        for (int i = 1; i < report.layers().size(); i++) {
            assertTrue(report.layers().get(i - 1).dropPoints() >= report.layers().get(i).dropPoints(), "most sensitive first");
        }
        layers.forEach(l -> assertEquals(null, l.weight().inferenceWeights(), "the report leaves the model as it was"));

        Sensitivity.Fallback zero = Sensitivity.fallbackToMeet(0.0, report, layers, int4, acc, m);
        assertTrue(zero.dropPoints() <= 0.0, "budget 0: agreement restored, drop " + zero.dropPoints());
        assertEquals(layers.size(), zero.keptF32().size() + zero.quantized().size());
        for (QuantizedLayer q : zero.quantized()) {
            assertTrue(q.layer().weight().inferenceWeights() != null, q.name() + " stays quantized");
        }
        assertEquals(zero.accuracy(), acc.applyAsDouble(m), "the model is left as the result says");
    }
}
