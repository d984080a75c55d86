package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.nn.BlockSparseAttention;
import dev.joule.nn.Model;
import dev.joule.nn.Module;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseTransformerTest {
    private static final int VOCAB = 13;

    /** Weights redrawn from N(0, 0.3²) so that outputs differ enough to catch a wrong key. */
    private static <M extends Module> M randomised(M m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Var p : m.namedParameters().values()) {
            float[] a = p.value().data();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (0.3 * rng.nextGaussian());
            }
        }
        m.setTraining(false);
        return m;
    }

    private static Tensor random(long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) rng.nextDouble();
        }
        return t;
    }

    /**
     * The kernels count the variance dot product of every LayerNorm (two per block and the final one) as one
     * MAC per element; the analytic figure, like the dense Transformer's, leaves norms out.
     */
    private static long layerNormMacs(int layers, long tokens, long d) {
        return (2L * layers + 1) * tokens * d;
    }

    @Test
    void fashionMnistClassifierShapesPatternAndMacs() {
        ModelConfig cfg = ModelConfig.fashionMnist("sparse-transformer");
        Model m = ModelRegistry.create(cfg, 3);
        assertTrue(m instanceof TransformerClassifier);
        BlockSparseAttention attention = SparseTransformer.attention(cfg);
        assertEquals(23, attention.layout(28).listedBlocks());
        long d = cfg.dModel();
        long t = 28;
        long sparseMix = 2 * d * 23 * 4 * 4;
        assertEquals(t * 28 * d + 2 * (4 * t * d * d + sparseMix + 2 * t * d * cfg.ffDim()) + d * 10,
                m.macsPerInference());
        assertTrue(m.macsPerInference() < ModelRegistry.create(ModelConfig.fashionMnist("transformer"), 3)
                .macsPerInference());
        try (NoGrad g = NoGrad.enter(); OpCounter.Region r = OpCounter.open()) {
            Var logits = m.forward(random(4, 1, 28, 28));
            assertArrayEquals(new int[] {1, 10}, logits.shape());
            assertEquals(m.macsPerInference(), r.macs() - layerNormMacs(2, t, d), "counted MACs of one forward");
        }
    }

    @Test
    void sameParametersAsTheDenseTransformer() {
        Module sparse = (Module) ModelRegistry.create(ModelConfig.fashionMnist("sparse-transformer"), 8);
        Module dense = (Module) ModelRegistry.create(ModelConfig.fashionMnist("transformer"), 8);
        assertEquals(dense.namedParameters().keySet(), sparse.namedParameters().keySet());
        Tensor x = random(9, 2, 28, 28);
        try (NoGrad g = NoGrad.enter()) {
            // Same weights, different attention pattern: the outputs must differ.
            assertNotEquals(((Model) dense).forward(x).value().get(0, 0), ((Model) sparse).forward(x).value().get(0, 0));
        }
    }

    @Test
    void languageModelMacsMatchTheCounter() {
        ModelConfig cfg = ModelConfig.charLm("sparse-transformer", VOCAB, 128).withShape(32, 4, 2, 64);
        Model m = ModelRegistry.create(cfg, 1);
        assertEquals(3, SparseTransformer.attention(cfg).stride());
        long d = 32;
        long mix = 2 * d * 20 * 16 * 16;
        assertEquals(128L * (2 * (4 * d * d + 2 * d * 64) + d * VOCAB) + 2 * mix, m.macsPerInference());
        float[] ids = new float[128];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % VOCAB;
        }
        try (NoGrad g = NoGrad.enter(); OpCounter.Region r = OpCounter.open()) {
            Var logits = m.forward(Tensor.of(ids, 1, 128));
            assertArrayEquals(new int[] {1, 128, VOCAB}, logits.shape());
            assertEquals(m.macsPerInference(), r.macs() - layerNormMacs(2, 128, d), "counted MACs of one forward");
        }
    }

    @Test
    void stepLogitsEqualTheSparseForwardAtEveryPosition() {
        // 40 tokens in blocks of 16, stride 2: the last block is partial and skips block 0.
        ModelConfig cfg = ModelConfig.charLm("sparse-transformer", VOCAB, 40).withShape(16, 4, 2, 32);
        CharTransformer m = randomised((CharTransformer) ModelRegistry.create(cfg, 5), 6);
        assertEquals(2, SparseTransformer.attention(cfg).stride());
        int batch = 2;
        int time = 40;
        SplittableRandom rng = new SplittableRandom(9);
        float[] x = new float[batch * time];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(VOCAB);
        }
        try (NoGrad g = NoGrad.enter()) {
            Tensor full = m.forward(Tensor.of(x, batch, time)).value();
            TransformerCache cache = m.initialState(batch);
            for (int t = 0; t < time; t++) {
                Tensor logits = m.step(cache, Tensor.of(new float[] {x[t], x[time + t]}, batch)).value();
                for (int b = 0; b < batch; b++) {
                    for (int v = 0; v < VOCAB; v++) {
                        float expected = full.data()[full.offset() + (b * time + t) * VOCAB + v];
                        float actual = logits.data()[logits.offset() + b * VOCAB + v];
                        assertEquals(expected, actual, 1e-4f, "b " + b + " t " + t + " v " + v);
                    }
                }
            }
            // A prefix shorter than the context sees the same pattern: its logits are the full run's first rows.
            Tensor prefix = m.forward(Tensor.of(java.util.Arrays.copyOf(x, 21), 1, 21)).value();
            for (int i = 0; i < 21 * VOCAB; i++) {
                assertEquals(full.data()[full.offset() + i], prefix.data()[prefix.offset() + i], 1e-4f, "prefix " + i);
            }
        }
    }

    @Test
    void stepKeyRangesFollowTheLayout() {
        BlockSparseAttention a = new BlockSparseAttention(4, 2, 3, true);
        // Query 21 is in block 5: local blocks 4, 5 (keys 16..21) and summary block 2 (keys 8..11).
        assertArrayEquals(new int[] {8, 12, 16, 22}, a.stepKeyRanges(21));
        assertArrayEquals(new int[] {0, 3}, a.stepKeyRanges(2));
        for (int q = 0; q < 30; q++) {
            int[] r = a.stepKeyRanges(q);
            for (int k = 0, n = 0; k <= q; k++) {
                boolean listed = n < r.length && k >= r[n] && k < r[n + 1];
                assertEquals(a.layout(30).attends(q, k), listed, "query " + q + " key " + k);
                if (n < r.length && k + 1 == r[n + 1]) {
                    n += 2;
                }
            }
        }
    }
}
