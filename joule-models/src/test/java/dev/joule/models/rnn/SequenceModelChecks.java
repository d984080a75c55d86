package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.GradClip;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;

/** Checks shared by the recurrent-capable sequence models: step = parallel, causality, memorisation. */
final class SequenceModelChecks {
    private SequenceModelChecks() {}

    static Tensor rows(long seed, int batch) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[batch * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble();
        }
        return Tensor.of(d, batch, 28, 28);
    }

    static Tensor ids(long seed, int vocab, int batch, int time) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[batch * time];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(vocab);
        }
        return Tensor.of(d, batch, time);
    }

    /** The classifier's logits after stepping all 28 rows equal the parallel form's. */
    static void classifierStepsEqualParallel(RecurrentModel m, Tensor x) {
        int batch = x.shape()[0];
        try (NoGrad ignored = NoGrad.enter()) {
            float[] full = m.forward(x).value().toArray();
            RecurrentState s = m.initialState(batch);
            float[] last = null;
            for (int t = 0; t < x.shape()[1]; t++) {
                Tensor row = Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), batch, x.shape()[2]).value().copy();
                last = m.step(s, row).value().toArray();
            }
            assertClose(full, last, "classifier");
        }
    }

    /** Every position's next-token logits from the step form equal the parallel form's. */
    static void languageModelStepsEqualParallel(RecurrentModel m, Tensor x, int vocab) {
        int batch = x.shape()[0];
        int time = x.shape()[1];
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor full = m.forward(x).value();
            RecurrentState s = m.initialState(batch);
            for (int t = 0; t < time; t++) {
                float[] tok = new float[batch];
                for (int b = 0; b < batch; b++) {
                    tok[b] = x.get(b, t);
                }
                float[] step = m.step(s, Tensor.of(tok, batch)).value().toArray();
                float[] expected = new float[batch * vocab];
                for (int b = 0; b < batch; b++) {
                    for (int v = 0; v < vocab; v++) {
                        expected[b * vocab + v] = full.get(b, t, v);
                    }
                }
                assertClose(expected, step, "t=" + t);
            }
        }
    }

    /** Changing token 6 leaves positions 0..5 bit-identical and changes position 6. */
    static void languageModelIsCausal(Model m, int vocab) {
        Tensor x = ids(10, vocab, 1, 10);
        Tensor y = x.copy();
        y.set((x.get(0, 6) + 1) % vocab, 0, 6);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor a = m.forward(x).value();
            Tensor b = m.forward(y).value();
            for (int t = 0; t < 6; t++) {
                for (int v = 0; v < vocab; v++) {
                    assertEquals(a.get(0, t, v), b.get(0, t, v), 0f, "position " + t);
                }
            }
            boolean changed = false;
            for (int v = 0; v < vocab; v++) {
                changed |= a.get(0, 6, v) != b.get(0, 6, v);
            }
            assertTrue(changed, "the changed token must change its own logits");
        }
    }

    /** 60 AdamW steps on 8 images with 8 labels bring the loss below a tenth of its start. */
    static void memorisesATinyBatch(Model m, float learningRate) {
        Tensor x = rows(12, 8);
        int[] y = {0, 1, 2, 3, 4, 5, 6, 7};
        float initial = Ops.crossEntropy(m.forward(x), y, 0f).value().item();
        AdamW opt = new AdamW(m.namedParameters(), learningRate);
        float last = Float.NaN;
        for (int i = 0; i < 60; i++) {
            opt.zeroGrad();
            Var loss = Ops.crossEntropy(m.forward(x), y, 0f);
            loss.backward();
            GradClip.clipByGlobalNorm(m.namedParameters().values(), 1f);
            opt.step();
            last = loss.value().item();
        }
        assertTrue(last < 0.1f * initial, "loss " + initial + " -> " + last);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, what + " element " + i);
        }
    }
}
