package dev.joule.compress.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.compress.TestModels;
import dev.joule.nn.Model;
import dev.joule.optim.SGD;
import dev.joule.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fine-tuning with fake quantization trains, and the trained weights then run on the int8 kernel as trained. */
class QatTrainingTest {

    @Test
    void qatFineTuningLowersTheLossAndTheInt8ModelMatchesWhatWasTrained() {
        Model m = TestModels.fashion("mlp", 41);
        Tensor x = TestModels.images(32, 42);
        int[] labels = new int[32];
        float[] px = x.toArray();
        for (int b = 0; b < labels.length; b++) {
            double s = 0;
            for (int i = 0; i < 28 * 28; i += 7) {
                s += px[b * 784 + i];
            }
            labels[b] = (int) Math.floor(s) % 10;   // a fixed, learnable-by-memorising target
        }
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        QatTraining qat = QatTraining.enable(layers);
        m.setTraining(true);
        SGD opt = new SGD(m.namedParameters(), 0.05f);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 0; step < 15; step++) {
            opt.zeroGrad();
            Var loss = Ops.crossEntropy(m.forward(x), labels, 0f);
            loss.backward();
            opt.step();
            last = loss.value().toArray()[0];
            first = step == 0 ? last : first;
        }
        assertTrue(last < first, "QAT loss falls: " + first + " -> " + last);
        m.setTraining(false);
        float[] fake = TestModels.forwardNoGrad(m, x);     // no form attached: evaluation runs the fake-quant path
        qat.disable();
        layers.forEach(l -> assertNull(l.weight().fakeQuant()));
        Quantizer.quantize(layers, Quantizer.Options.of(QuantScheme.W8A8));
        float[] real = TestModels.forwardNoGrad(m, x);
        int same = 0;
        double worst = 0;
        for (int b = 0; b < 32; b++) {
            same += argmax(fake, b) == argmax(real, b) ? 1 : 0;
            for (int c = 0; c < 10; c++) {
                worst = Math.max(worst, Math.abs(fake[b * 10 + c] - real[b * 10 + c]));
            }
        }
        assertEquals(32, same, "the int8 kernels predict what the fake-quantized model predicted");
        assertTrue(worst < 1e-3, "logits agree to float rounding: " + worst);
    }

    private static int argmax(float[] logits, int row) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            if (logits[row * 10 + c] > logits[row * 10 + best]) {
                best = c;
            }
        }
        return best;
    }
}
