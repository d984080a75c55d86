package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import org.junit.jupiter.api.Test;

/** linear-transformer: exact sizes, step form = parallel form, causality, memorisation. */
class LinearTransformerTest {
    private static final int VOCAB = 7;

    private static ModelConfig small(boolean images) {
        ModelConfig c = images ? ModelConfig.fashionMnist(LinearTransformer.NAME)
                : ModelConfig.charLm(LinearTransformer.NAME, VOCAB, 12);
        return c.withShape(16, 2, 2, 24);
    }

    @Test
    void fashionMnistDefaultsHaveTheDocumentedCounts() {
        LinearTransformer m = (LinearTransformer) ModelRegistry.create(ModelConfig.fashionMnist(LinearTransformer.NAME),
                1);
        long d = 64;
        long f = 128;
        long block = 2 * 2 * d + 4 * (d * d + d) + (d * f + f) + (f * d + d);
        assertEquals((28 * d + d) + 28 * d + 2 * block + 2 * d + (d * 10 + 10), m.parameterCount());
        assertEquals(71_370, m.parameterCount());
        long dh = 16;
        assertEquals(28L * 28 * d + 2 * 28 * (4 * d * d + 2 * d * f + 2 * d * dh + d) + d * 10, m.macsPerInference());
    }

    @Test
    void charLmCountsFollowTheFormula() {
        int v = 50;
        ModelConfig c = ModelConfig.charLm(LinearTransformer.NAME, v, 128);
        long d = c.dModel();
        long f = c.ffDim();
        long block = 4 * d + 4 * (d * d + d) + (d * f + f) + (f * d + d);
        assertEquals(v * d + 128 * d + c.layers() * block + 2 * d + d * v + v,
                ModelRegistry.create(c, 1).parameterCount());
    }

    @Test
    void classifierStepsEqualTheParallelForm() {
        LinearTransformer m = (LinearTransformer) ModelRegistry.create(small(true), 5);
        SequenceModelChecks.classifierStepsEqualParallel(m, SequenceModelChecks.rows(6, 3));
        assertEquals(2 * 2 * (8 * 8 + 8) + 1 + 16, m.initialState(1).floatsPerStream());
    }

    @Test
    void languageModelStepsEqualTheParallelForm() {
        LinearTransformer m = (LinearTransformer) ModelRegistry.create(small(false), 7);
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
