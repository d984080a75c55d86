package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import org.junit.jupiter.api.Test;

/** mamba: exact sizes, step form = parallel form, causality, memorisation. */
class MambaTest {
    private static final int VOCAB = 7;

    private static ModelConfig small(boolean images) {
        ModelConfig c = images ? ModelConfig.fashionMnist(Mamba.NAME) : ModelConfig.charLm(Mamba.NAME, VOCAB, 12);
        return c.withShape(16, 0, 2, 0);
    }

    /** in 2dE, conv KE + E, xProj E(R + 2N), dtProj RE + E, A_log EN, D E, out Ed, RMSNorm d. */
    private static long block(long d) {
        long e = 2 * d;
        long r = (d + 15) / 16;
        long n = 16;
        return d + 2 * d * e + 4 * e + e + e * (r + 2 * n) + r * e + e + e * n + e + e * d;
    }

    @Test
    void fashionMnistDefaultsHaveTheDocumentedCounts() {
        Mamba m = (Mamba) ModelRegistry.create(ModelConfig.fashionMnist(Mamba.NAME), 1);
        long d = 64;
        assertEquals((28 * d + d) + 2 * block(d) + d + (d * 10 + 10), m.parameterCount());
        assertEquals(67_978, m.parameterCount());
        long e = 128;
        long perToken = 2 * d * e + 4 * e + e * (4 + 32) + 4 * e + 3 * e * 16 + e * d;
        assertEquals(28L * 28 * d + 28 * 2 * perToken + d * 10, m.macsPerInference());
    }

    @Test
    void charLmCountsFollowTheFormula() {
        int v = 50;
        ModelConfig c = ModelConfig.charLm(Mamba.NAME, v, 128);
        long d = c.dModel();
        assertEquals(v * d + c.layers() * block(d) + d + d * v + v, ModelRegistry.create(c, 1).parameterCount());
    }

    @Test
    void classifierStepsEqualTheParallelForm() {
        Mamba m = (Mamba) ModelRegistry.create(small(true), 5);
        SequenceModelChecks.classifierStepsEqualParallel(m, SequenceModelChecks.rows(6, 3));
        assertEquals(2 * (3 * 32 + 32 * 16) + 1 + 16, m.initialState(1).floatsPerStream());
    }

    @Test
    void languageModelStepsEqualTheParallelForm() {
        Mamba m = (Mamba) ModelRegistry.create(small(false), 7);
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
