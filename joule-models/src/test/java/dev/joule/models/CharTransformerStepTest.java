package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.models.rnn.RecurrentModel;
import dev.joule.models.rnn.RecurrentState;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** KV-cache decoding of the char Transformer: the step form equals the causal forward, and sampling with it. */
class CharTransformerStepTest {
    private static final int VOCAB = 13;

    /** d 16, 4 heads, 2 layers; weights redrawn from N(0, 0.3²) so logits differ enough to catch errors. */
    private static CharTransformer model(int seqLen, long seed) {
        ModelConfig cfg = ModelConfig.charLm("transformer", VOCAB, seqLen).withShape(16, 4, 2, 32);
        CharTransformer m = new CharTransformer(cfg, new SplittableRandom(seed));
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (Var p : m.namedParameters().values()) {
            float[] a = p.value().data();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (0.3 * rng.nextGaussian());
            }
        }
        m.setTraining(false);
        return m;
    }

    private static float[] ids(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(VOCAB);
        }
        return a;
    }

    @Test
    void stepLogitsEqualTheCausalForwardAtEveryPosition() {
        int batch = 2;
        int time = 12;
        CharTransformer m = model(12, 5);
        float[] x = ids(new SplittableRandom(9), batch * time);
        try (NoGrad g = NoGrad.enter()) {
            Tensor full = m.forward(Tensor.of(x, batch, time)).value();
            TransformerCache cache = m.initialState(batch);
            for (int t = 0; t < time; t++) {
                Tensor logits = m.step(cache, Tensor.of(new float[] {x[t], x[time + t]}, batch)).value();
                assertArrayEquals(new int[] {batch, VOCAB}, logits.shape());
                for (int b = 0; b < batch; b++) {
                    for (int v = 0; v < VOCAB; v++) {
                        float expected = full.data()[full.offset() + (b * time + t) * VOCAB + v];
                        float actual = logits.data()[logits.offset() + b * VOCAB + v];
                        assertEquals(expected, actual, 1e-4f, "b " + b + " t " + t + " v " + v);
                    }
                }
                assertEquals(t + 1, cache.length());
            }
        }
    }

    @Test
    void cachedSamplingGivesTheWindowedSamplersTextWhileItFits() {
        CharTransformer m = model(32, 11);
        int[] prompt = {3, 1, 4, 1, 5};
        for (float temperature : new float[] {0f, 0.9f}) {
            int[] windowed = new Sampler(m, 32).generate(prompt, 27, temperature, 0, 42);
            int[] cached = new StreamingSampler(m).generate(prompt, 27, temperature, 0, 42);
            assertArrayEquals(windowed, cached, "temperature " + temperature);
        }
    }

    @Test
    void copiedCacheIsIndependent() {
        CharTransformer m = model(8, 4);
        try (NoGrad g = NoGrad.enter()) {
            TransformerCache cache = m.initialState(1);
            m.step(cache, Tensor.of(new float[] {2}, 1));
            TransformerCache copy = m.copyState(cache);
            float[] a = m.step(copy, Tensor.of(new float[] {5}, 1)).value().copy().data();
            assertEquals(1, cache.length());
            assertEquals(2, copy.length());
            float[] b = m.step(cache, Tensor.of(new float[] {5}, 1)).value().copy().data();
            assertArrayEquals(a, b, 0f);
        }
    }

    @Test
    void fullCacheRefusesAnotherStep() {
        CharTransformer m = model(4, 1);
        try (NoGrad g = NoGrad.enter()) {
            TransformerCache cache = m.initialState(1);
            for (int t = 0; t < 4; t++) {
                m.step(cache, Tensor.of(new float[] {t}, 1));
            }
            assertEquals(0, cache.remainingSteps());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> m.step(cache, Tensor.of(new float[] {0}, 1)));
            assertTrue(e.getMessage().contains("context is full"), e.getMessage());
        }
    }

    /** Past the context the sampler restarts the cache from the last seqLen/2 tokens, then feeds the new one. */
    @Test
    void fullCacheSlidesByReencodingTheLastHalfWindow() {
        CharTransformer m = model(8, 3);
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] out = new StreamingSampler(m).generate(prompt, 3, 0f, 0, 0);
        try (NoGrad g = NoGrad.enter()) {
            assertEquals(argmaxLast(m, prompt), out[0]);
            // Feeding out[0] finds the cache full: it holds prompt[4..8) again, then out[0].
            assertEquals(argmaxLast(m, new int[] {5, 6, 7, 8, out[0]}), out[1]);
            assertEquals(argmaxLast(m, new int[] {5, 6, 7, 8, out[0], out[1]}), out[2]);
        }
        int[] long_ = new StreamingSampler(m).generate(prompt, 40, 0.8f, 0, 1);
        assertEquals(40, long_.length);
    }

    private static int argmaxLast(CharTransformer m, int[] text) {
        float[] x = new float[text.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = text[i];
        }
        Tensor l = m.forward(Tensor.of(x, 1, x.length)).value();
        int off = l.offset() + (x.length - 1) * VOCAB;
        int best = 0;
        for (int v = 1; v < VOCAB; v++) {
            if (l.data()[off + v] > l.data()[off + best]) {
                best = v;
            }
        }
        return best;
    }

    @Test
    void cacheMemoryGrowsPerTokenWhileRecurrentStateStaysFixed() {
        CharTransformer m = model(16, 2);
        RecurrentModel lstm = (RecurrentModel) ModelRegistry.create(
                ModelConfig.charLm("lstm", VOCAB, 16).withShape(16, 4, 2, 32), 2);
        try (NoGrad g = NoGrad.enter()) {
            TransformerCache cache = m.initialState(1);
            RecurrentState state = lstm.initialState(1);
            long fixed = state.floatsPerStream();
            assertEquals(0, cache.floatsPerStream());
            for (int t = 1; t <= 5; t++) {
                m.step(cache, Tensor.of(new float[] {t}, 1));
                lstm.step(state, Tensor.of(new float[] {t}, 1));
                assertEquals(2L * 2 * t * 16, cache.floatsPerStream());
                assertEquals(fixed, state.floatsPerStream());
            }
            assertEquals(2L * 2 * 16 * 16, cache.allocatedFloatsPerStream());
            assertFalse(cache.constantSize());
            assertTrue(state.constantSize());
        }
    }
}
