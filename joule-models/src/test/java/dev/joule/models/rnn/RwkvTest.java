package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import org.junit.jupiter.api.Test;

/** rwkv: exact sizes, step form = parallel form, causality, memorisation. */
class RwkvTest {
    private static final int VOCAB = 7;

    private static ModelConfig small(boolean images) {
        ModelConfig c = images ? ModelConfig.fashionMnist(Rwkv.NAME) : ModelConfig.charLm(Rwkv.NAME, VOCAB, 12);
        return c.withShape(16, 2, 2, 32);
    }

    private static long block(long d, long f) {
        return 5 * d * d + 2 * d * f + 11 * d;
    }

    @Test
    void fashionMnistDefaultsHaveTheDocumentedCounts() {
        Rwkv m = (Rwkv) ModelRegistry.create(ModelConfig.fashionMnist(Rwkv.NAME), 1);
        long d = 64;
        long f = 128;
        assertEquals((28 * d + d) + 2 * block(d, f) + 2 * d + (d * 10 + 10), m.parameterCount());
        assertEquals(77_770, m.parameterCount());
        assertEquals(28L * 28 * d + 2 * 28 * (5 * d * d + 2 * d * f) + d * 10, m.macsPerInference());
    }

    @Test
    void charLmCountsFollowTheFormula() {
        int v = 50;
        ModelConfig c = ModelConfig.charLm(Rwkv.NAME, v, 128);
        long d = c.dModel();
        assertEquals(128, d);
        assertEquals(4, c.layers());
        assertEquals(v * d + 4 * block(d, c.ffDim()) + 2 * d + d * v + v, ModelRegistry.create(c, 1).parameterCount());
    }

    @Test
    void classifierStepsEqualTheParallelForm() {
        Rwkv m = (Rwkv) ModelRegistry.create(small(true), 5);
        SequenceModelChecks.classifierStepsEqualParallel(m, SequenceModelChecks.rows(6, 3));
        assertEquals(2 * 5 * 16 + 1 + 16, m.initialState(1).floatsPerStream());
    }

    @Test
    void languageModelStepsEqualTheParallelForm() {
        Rwkv m = (Rwkv) ModelRegistry.create(small(false), 7);
        SequenceModelChecks.languageModelStepsEqualParallel(m, SequenceModelChecks.ids(8, VOCAB, 2, 12), VOCAB);
    }

    @Test
    void languageModelIsCausal() {
        SequenceModelChecks.languageModelIsCausal(ModelRegistry.create(small(false), 9), VOCAB);
    }

    @Test
    void memorisesATinyBatch() {
        SequenceModelChecks.memorisesATinyBatch(ModelRegistry.create(small(true), 11), 1e-2f);
    }
}
