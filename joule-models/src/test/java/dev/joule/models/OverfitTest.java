package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.GradClip;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** End-to-end sanity of layers, ops and the optimizer: tiny models must memorise a tiny batch. */
class OverfitTest {

    private static float train(Model m, Tensor x, int[] targets, int steps, float lr) {
        AdamW opt = new AdamW(m.namedParameters(), lr);
        float last = Float.NaN;
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            Var logits = m.forward(x);
            Var flat = Ops.reshape(logits, -1, logits.shape()[logits.shape().length - 1]);
            Var loss = Ops.crossEntropy(flat, targets, 0f);
            loss.backward();
            GradClip.clipByGlobalNorm(m.namedParameters().values(), 1f);
            opt.step();
            last = loss.value().item();
        }
        return last;
    }

    @Test
    void tinyTransformerClassifierOverfitsABatch() {
        ModelConfig cfg = ModelConfig.fashionMnist("transformer").withShape(16, 2, 1, 32);
        Model m = ModelRegistry.create(cfg, 3);
        SplittableRandom rng = new SplittableRandom(8);
        int batch = 8;
        float[] d = new float[batch * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextDouble();
        }
        int[] y = {0, 1, 2, 3, 4, 5, 6, 7};
        Tensor x = Tensor.of(d, batch, 28, 28);
        float initial = Ops.crossEntropy(m.forward(x), y, 0f).value().item();
        float last = train(m, x, y, 50, 1e-2f);
        assertTrue(last < 0.25f * initial, "loss " + initial + " -> " + last);
    }

    @Test
    void cnnOverfitsABatch() {
        Model m = ModelRegistry.create(ModelConfig.fashionMnist("cnn"), 3);
        SplittableRandom rng = new SplittableRandom(9);
        float[] d = new float[8 * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextDouble();
        }
        int[] y = {0, 1, 2, 3, 4, 5, 6, 7};
        Tensor x = Tensor.of(d, 8, 28, 28);
        float initial = Ops.crossEntropy(m.forward(x), y, 0f).value().item();
        float last = train(m, x, y, 30, 3e-3f);
        assertTrue(last < 0.25f * initial, "loss " + initial + " -> " + last);
    }

    @Test
    void tinyCharTransformerMemorisesASequence() {
        Model m = ModelRegistry.create(ModelConfig.charLm("transformer", 7, 12).withShape(16, 2, 1, 32), 4);
        float[] ids = {0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4};
        int[] next = {1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5};
        Tensor x = Tensor.of(ids, 1, 12);
        float last = train(m, x, next, 50, 1e-2f);
        assertTrue(last < 0.5f, "final loss " + last + " (start ≈ ln 7 = 1.95)");
    }
}
