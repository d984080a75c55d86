package dev.joule.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rwkv (RWKV-5): exact sizes, MACs against the op counter, step form = parallel form, causality, memorisation. */
class RwkvTest {
    private static final int VOCAB = 7;

    private static ModelConfig small(boolean images) {
        ModelConfig c = images ? ModelConfig.fashionMnist(Rwkv.NAME) : ModelConfig.charLm(Rwkv.NAME, VOCAB, 12);
        return c.withShape(16, 2, 2, 32);
    }

    private static long block(long d, long f) {
        return 6 * d * d + 2 * d * f + 14 * d;
    }

    @Test
    void fashionMnistDefaultsHaveTheDocumentedCounts() {
        Rwkv m = (Rwkv) ModelRegistry.create(ModelConfig.fashionMnist(Rwkv.NAME), 1);
        long d = 64;
        long f = 128;
        assertEquals((28 * d + d) + 2 * block(d, f) + 2 * d + (d * 10 + 10), m.parameterCount());
        assertEquals(86_346, m.parameterCount());
        long headSize = 16;
        assertEquals(28L * 28 * d + 2 * 28 * (6 * d * d + 2 * d * f + 2 * d * headSize) + d * 10, m.macsPerInference());
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
        long d = 16;
        long headSize = 8;
        assertEquals(2 * (2 * d + d * headSize) + 1 + d, m.initialState(1).floatsPerStream());
    }

    @Test
    void languageModelStepsEqualTheParallelForm() {
        Rwkv m = (Rwkv) ModelRegistry.create(small(false), 7);
        SequenceModelChecks.languageModelStepsEqualParallel(m, SequenceModelChecks.ids(8, VOCAB, 2, 12), VOCAB);
    }

    @Test
    void defaultShapesStepEqualTheParallelForm() {
        Rwkv images = (Rwkv) ModelRegistry.create(ModelConfig.fashionMnist(Rwkv.NAME), 13);
        SequenceModelChecks.classifierStepsEqualParallel(images, SequenceModelChecks.rows(14, 2));
        Rwkv tokens = (Rwkv) ModelRegistry.create(ModelConfig.charLm(Rwkv.NAME, 50, 20), 15);
        SequenceModelChecks.languageModelStepsEqualParallel(tokens, SequenceModelChecks.ids(16, 50, 2, 20), 50);
    }

    /**
     * One step of one stream does the per-token MACs that macsPerInference counts (seqLen of them), plus the
     * norms' variance dot products that the kernels count as MACs but the O(d) formula leaves out: d per normed
     * row, three per block (ln1, the per-head GroupNorm, ln2) and the final norm.
     */
    @Test
    void stepMacsMatchTheOpCounter() {
        ModelConfig c = ModelConfig.charLm(Rwkv.NAME, 50, 32);
        Rwkv m = (Rwkv) ModelRegistry.create(c, 17);
        RecurrentState s = m.initialState(1);
        try (NoGrad ignored = NoGrad.enter()) {
            m.step(s, Tensor.of(new float[] {3}, 1));
            try (OpCounter.Region r = OpCounter.open()) {
                m.step(s, Tensor.of(new float[] {4}, 1));
                long normDots = (3L * c.layers() + 1) * c.dModel();
                assertEquals(m.macsPerInference() / c.seqLen() + normDots, r.macs());
            }
        }
    }

    /** An RWKV-4 checkpoint (flat block parameters, per-channel decay) is refused, naming a tensor and the fix. */
    @Test
    void rwkv4CheckpointsAreRefusedWithAFix() {
        Rwkv m = (Rwkv) ModelRegistry.create(small(false), 18);
        Map<String, Tensor> old = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> {
            if (!name.contains(".att.") && !name.contains(".ffn.")) {
                old.put(name, p.value());
            }
        });
        old.put("blocks.0.decay", Tensor.zeros(16));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.loadInto(m.namedParameters(), old, "model.safetensors"));
        assertTrue(e.getMessage().contains("'blocks.0.att.mixK'") && e.getMessage().contains("train a new one"),
                e.getMessage());
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
