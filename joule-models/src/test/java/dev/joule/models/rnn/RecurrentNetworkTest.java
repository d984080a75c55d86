package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.GradClip;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Shapes, exact sizes, step form = sequence form, causality and memorisation for lstm, gru, mingru, minlstm. */
class RecurrentNetworkTest {
    private static final int VOCAB = 7;

    private static ModelConfig small(String arch, boolean images) {
        ModelConfig c = images ? ModelConfig.fashionMnist(arch) : ModelConfig.charLm(arch, VOCAB, 12);
        return new ModelConfig(c.architecture(), c.task(), c.inputDim(), c.seqLen(), c.vocabSize(), c.numClasses(),
                8, c.heads(), 2, c.ffDim(), 16, 0f);
    }

    private static Tensor rows(long seed, int batch) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[batch * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble();
        }
        return Tensor.of(d, batch, 28, 28);
    }

    private static Tensor ids(long seed, int batch, int time) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[batch * time];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(VOCAB);
        }
        return Tensor.of(d, batch, time);
    }

    @Test
    void fashionMnistDefaultsHaveThePyTorchParameterCounts() {
        assertEquals(82_186, ModelRegistry.create(ModelConfig.fashionMnist("lstm"), 1).parameterCount());
        assertEquals(61_962, ModelRegistry.create(ModelConfig.fashionMnist("gru"), 1).parameterCount());
        assertEquals(71_050, ModelRegistry.create(ModelConfig.fashionMnist("mingru"), 1).parameterCount());
        // in 28·128+128, two layers 3(128·128+128), head 128·10+10
        assertEquals(3_712 + 2 * 49_536 + 1_290, ModelRegistry.create(ModelConfig.fashionMnist("minlstm"), 1)
                .parameterCount());
    }

    @Test
    void charLmLstmCountsFollowTheFormula() {
        int v = 113;
        long e = 128;
        long h = 256;
        Model m = ModelRegistry.create(ModelConfig.charLm("lstm", v, 128), 1);
        long lstm = v * e + 4 * (e * h + h * h + 2 * h) + 4 * (h * h + h * h + 2 * h) + h * v + v;
        assertEquals(lstm, m.parameterCount());
        assertEquals(965_105, lstm, "the PyTorch reference's ~0.97M");
        Model gru = ModelRegistry.create(ModelConfig.charLm("gru", v, 128), 1);
        assertEquals(v * e + 3 * (e * h + h * h + 2 * h) + 3 * (h * h + h * h + 2 * h) + h * v + v,
                gru.parameterCount());
    }

    @Test
    void macsFollowTheDocumentedFormula() {
        assertEquals(28L * 4 * (28 + 128) * 128 + 128 * 10,
                ModelRegistry.create(ModelConfig.fashionMnist("lstm"), 1).macsPerInference());
        assertEquals(28L * (28 * 128 + 2 * (2 * 128 * 128)) + 128 * 10,
                ModelRegistry.create(ModelConfig.fashionMnist("mingru"), 1).macsPerInference());
        assertEquals(128L * (3 * (128 + 256) * 256 + 3 * (256 + 256) * 256 + 256 * 50),
                ModelRegistry.create(ModelConfig.charLm("gru", 50, 128), 1).macsPerInference());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "mingru", "minlstm"})
    void classifierStepsEqualTheSequenceForm(String arch) {
        RecurrentNetwork m = (RecurrentNetwork) ModelRegistry.create(small(arch, true), 5);
        Tensor x = rows(6, 3);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor full = m.forward(x).value();
            assertArrayEquals(new int[] {3, 10}, full.shape());
            RecurrentState s = m.initialState(3);
            Tensor last = null;
            for (int t = 0; t < 28; t++) {
                Tensor row = Ops.reshape(Ops.slice(Var.constant(x), 1, t, t + 1), 3, 28).value();
                last = m.step(s, row).value();
            }
            assertClose(full.toArray(), last.toArray(), arch);
            assertEquals(arch.equals("lstm") ? 2 * 2 * 16 : 2 * 16, s.floatsPerStream());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "mingru", "minlstm"})
    void languageModelStepsEqualTheSequenceForm(String arch) {
        RecurrentNetwork m = (RecurrentNetwork) ModelRegistry.create(small(arch, false), 7);
        int time = 9;
        Tensor x = ids(8, 2, time);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor full = m.forward(x).value();
            assertArrayEquals(new int[] {2, time, VOCAB}, full.shape());
            RecurrentState s = m.initialState(2);
            for (int t = 0; t < time; t++) {
                Tensor tok = Tensor.of(new float[] {x.get(0, t), x.get(1, t)}, 2);
                float[] step = m.step(s, tok).value().toArray();
                float[] expected = new float[2 * VOCAB];
                for (int b = 0; b < 2; b++) {
                    for (int v = 0; v < VOCAB; v++) {
                        expected[b * VOCAB + v] = full.get(b, t, v);
                    }
                }
                assertClose(expected, step, arch + " t=" + t);
            }
        }
    }

    /** One long stream on two threads takes the time-chunked scan schedule; it must still equal the steps. */
    @ParameterizedTest
    @ValueSource(strings = {"mingru", "minlstm"})
    void longSingleStreamScanEqualsSteps(String arch) {
        RecurrentNetwork m = (RecurrentNetwork) ModelRegistry.create(small(arch, false), 13);
        int time = 150;
        Tensor x = ids(14, 1, time);
        int threads = Parallel.threads();
        Parallel.setThreads(2);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor full = m.forward(x).value();
            RecurrentState s = m.initialState(1);
            for (int t = 0; t < time; t++) {
                float[] step = m.step(s, Tensor.of(new float[] {x.get(0, t)}, 1)).value().toArray();
                float[] expected = new float[VOCAB];
                for (int v = 0; v < VOCAB; v++) {
                    expected[v] = full.get(0, t, v);
                }
                assertClose(expected, step, arch + " t=" + t);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "mingru", "minlstm"})
    void languageModelIsCausal(String arch) {
        Model m = ModelRegistry.create(small(arch, false), 9);
        Tensor x = ids(10, 1, 10);
        Tensor y = x.copy();
        y.set((x.get(0, 6) + 1) % VOCAB, 0, 6);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor a = m.forward(x).value();
            Tensor b = m.forward(y).value();
            for (int t = 0; t < 6; t++) {
                for (int v = 0; v < VOCAB; v++) {
                    assertEquals(a.get(0, t, v), b.get(0, t, v), 0f, arch + " position " + t);
                }
            }
            boolean changed = false;
            for (int v = 0; v < VOCAB; v++) {
                changed |= a.get(0, 6, v) != b.get(0, 6, v);
            }
            assertTrue(changed, arch + ": the changed token must change its own logits");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "mingru", "minlstm"})
    void memorisesATinyBatch(String arch) {
        ModelConfig c = ModelConfig.fashionMnist(arch);
        Model m = ModelRegistry.create(new ModelConfig(c.architecture(), c.task(), c.inputDim(), c.seqLen(), 0,
                c.numClasses(), 0, 0, 1, 0, 32, 0f), 11);
        Tensor x = rows(12, 8);
        int[] y = {0, 1, 2, 3, 4, 5, 6, 7};
        float initial = Ops.crossEntropy(m.forward(x), y, 0f).value().item();
        AdamW opt = new AdamW(m.namedParameters(), 2e-2f);
        float last = Float.NaN;
        for (int i = 0; i < 60; i++) {
            opt.zeroGrad();
            Var loss = Ops.crossEntropy(m.forward(x), y, 0f);
            loss.backward();
            GradClip.clipByGlobalNorm(m.namedParameters().values(), 1f);
            opt.step();
            last = loss.value().item();
        }
        assertTrue(last < 0.1f * initial, arch + ": loss " + initial + " -> " + last);
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, what + " element " + i);
        }
    }
}
