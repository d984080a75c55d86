package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.SsdOps;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** mamba2: exact sizes, MACs against the op counter, step form = parallel form, causality, memorisation. */
class Mamba2Test {
    private static final int VOCAB = 7;
    private static final int N = Mamba2.D_STATE;

    private static ModelConfig small(boolean images, int seqLen) {
        ModelConfig c = images ? ModelConfig.fashionMnist(Mamba2.NAME) : ModelConfig.charLm(Mamba2.NAME, VOCAB, seqLen);
        return c.withShape(16, 2, 2, 0);
    }

    /** norm d, in d(2E + 2N + H), conv K(E + 2N) + (E + 2N), dtBias H, A_log H, D H, gate norm E, out Ed. */
    private static long block(long d, long h) {
        long e = 2 * d;
        long conv = e + 2 * N;
        return d + d * (2 * e + 2 * N + h) + 4 * conv + conv + 3 * h + e + e * d;
    }

    private static long macsPerToken(long d, long h) {
        long e = 2 * d;
        return d * (2 * e + 2 * N + h) + 4 * (e + 2 * N) + 3 * e * N + e * d;
    }

    @Test
    void fashionMnistDefaultsHaveTheDocumentedCounts() {
        ModelConfig c = ModelConfig.fashionMnist(Mamba2.NAME);
        Mamba2 m = (Mamba2) ModelRegistry.create(c, 1);
        long d = c.dModel();
        long h = c.heads();
        assertEquals((28 * d + d) + c.layers() * block(d, h) + d + (d * 10 + 10), m.parameterCount());
        assertEquals(28L * 28 * d + 28 * c.layers() * macsPerToken(d, h) + d * 10, m.macsPerInference());
    }

    @Test
    void charLmCountsFollowTheFormula() {
        int v = 50;
        ModelConfig c = ModelConfig.charLm(Mamba2.NAME, v, 128);
        long d = c.dModel();
        Mamba2 m = (Mamba2) ModelRegistry.create(c, 1);
        assertEquals(v * d + c.layers() * block(d, c.heads()) + d + d * v + v, m.parameterCount());
        assertEquals(128L * (c.layers() * macsPerToken(d, c.heads()) + d * v), m.macsPerInference());
        assertEquals(814_084, ModelRegistry.create(ModelConfig.charLm(Mamba2.NAME, 100, 128), 1).parameterCount());
    }

    /**
     * The op counter over one step of one stream: the documented per-token MACs of every block (in, SSD step,
     * out: the gemms and the scan record them) plus the head d·V, less the depthwise conv's K(E + 2N) per
     * block (the conv kernel does not record), plus the RMS norms' sums of squares (d per pre-norm and the
     * final norm, E per gated norm), which the counter sees as dot products and the formula leaves out.
     */
    @Test
    void stepMacsMatchTheOpCounter() {
        ModelConfig c = small(false, 12);
        Mamba2 m = (Mamba2) ModelRegistry.create(c, 3);
        long d = c.dModel();
        long e = 2 * d;
        long perToken = c.layers() * macsPerToken(d, c.heads()) + d * VOCAB;
        long convMacs = c.layers() * 4L * (e + 2 * N);
        long normMacs = c.layers() * (d + e) + d;
        RecurrentState s = m.initialState(1);
        try (NoGrad ignored = NoGrad.enter(); OpCounter.Region r = OpCounter.open()) {
            m.step(s, Tensor.of(new float[] {3f}, 1));
            assertEquals(perToken - convMacs + normMacs, r.macs());
        }
        assertEquals(perToken * c.seqLen(), m.macsPerInference());
    }

    @Test
    void classifierStepsEqualTheParallelForm() {
        Mamba2 m = (Mamba2) ModelRegistry.create(small(true, 28), 5);
        SequenceModelChecks.classifierStepsEqualParallel(m, SequenceModelChecks.rows(6, 3));
        long e = 32;
        assertEquals(2 * (3 * (e + 2 * N) + e * N) + 1 + 16, m.initialState(1).floatsPerStream());
    }

    @Test
    void languageModelStepsEqualTheParallelFormAcrossChunks() {
        int time = SsdOps.DEFAULT_CHUNK + 9;
        Mamba2 m = (Mamba2) ModelRegistry.create(small(false, time), 7);
        SequenceModelChecks.languageModelStepsEqualParallel(m, SequenceModelChecks.ids(8, VOCAB, 2, time), VOCAB);
    }

    @Test
    void languageModelIsCausal() {
        SequenceModelChecks.languageModelIsCausal(ModelRegistry.create(small(false, 12), 9), VOCAB);
    }

    @Test
    void memorisesATinyBatch() {
        SequenceModelChecks.memorisesATinyBatch(ModelRegistry.create(small(true, 28), 11), 1e-2f);
    }

    @Test
    void rejectsHeadsThatDoNotDivideTheInnerWidth() {
        ModelConfig c = ModelConfig.fashionMnist(Mamba2.NAME).withShape(16, 3, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> ModelRegistry.create(c, 1));
    }
}
