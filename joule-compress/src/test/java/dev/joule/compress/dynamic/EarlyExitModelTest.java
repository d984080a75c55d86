package dev.joule.compress.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.models.ModelConfig;
import dev.joule.models.TransformerClassifier;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EarlyExitModelTest {
    static TransformerClassifier tiny(int layers, long seed) {
        ModelConfig cfg = ModelConfig.fashionMnist("transformer").withShape(16, 2, layers, 32);
        TransformerClassifier t = new TransformerClassifier(cfg, new SplittableRandom(seed));
        t.setTraining(false);
        return t;
    }

    /** Exit heads that differ from the final head, so exit logits and full logits are told apart. */
    static EarlyExitModel withDistinctExits(TransformerClassifier backbone) {
        EarlyExitModel ee = new EarlyExitModel(backbone);
        SplittableRandom rng = new SplittableRandom(7);
        for (Var p : ee.exitParameters().values()) {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (rng.nextDouble() - 0.5);
            }
        }
        return ee;
    }

    private static final Batch BATCH = SyntheticImages.make(24, 3).range(0, 24);

    @Test
    void neverExitingGivesTheBackbonesLogits() {
        TransformerClassifier backbone = tiny(3, 1);
        EarlyExitModel ee = withDistinctExits(backbone);
        try (NoGrad g = NoGrad.enter()) {
            float[] full = backbone.forward(BATCH.inputs()).value().toArray();
            float[] early = ee.forward(BATCH.inputs()).value().toArray();
            // Same kernels on the same rows; a vector lane reduction may still round differently once JIT-compiled.
            assertArrayEquals(full, early, 1e-6f);
        }
        assertArrayEquals(new long[] {0, 0, 24}, ee.leftAtDepth());
        assertEquals(ee.macsAtDepth(2), ee.effectiveMacsPerInference(), 1e-9);
    }

    @Test
    void thresholdZeroLeavesEveryRowAtTheFirstExit() {
        TransformerClassifier backbone = tiny(3, 1);
        EarlyExitModel ee = withDistinctExits(backbone);
        ee.setThresholds(new float[] {0f, 0f});
        try (NoGrad g = NoGrad.enter()) {
            Var h = backbone.block(0, backbone.embed(Var.constant(BATCH.inputs())));
            float[] exit0 = ee.exit(0).forward(h).value().toArray();
            assertArrayEquals(exit0, ee.forward(BATCH.inputs()).value().toArray(), 1e-6f);
        }
        assertArrayEquals(new long[] {24, 0, 0}, ee.leftAtDepth());
        assertEquals(ee.macsAtDepth(0), ee.effectiveMacsPerInference(), 1e-9);
    }

    @Test
    void eachRowOfAMixedBatchGetsWhatItWouldGetAlone() {
        TransformerClassifier backbone = tiny(3, 2);
        EarlyExitModel ee = withDistinctExits(backbone);
        float[] conf;
        try (NoGrad g = NoGrad.enter()) {
            Var h = backbone.block(0, backbone.embed(Var.constant(BATCH.inputs())));
            Tensor logits = ee.exit(0).forward(h).value();
            conf = new float[BATCH.size()];
            for (int r = 0; r < conf.length; r++) {
                conf[r] = EarlyExitModel.maxProbability(logits.data(), logits.offset() + r * 10, 10);
            }
        }
        float[] sorted = conf.clone();
        Arrays.sort(sorted);
        float median = sorted[sorted.length / 2];
        ee.setThresholds(new float[] {median, sorted[sorted.length * 3 / 4]});
        float[] batched;
        try (NoGrad g = NoGrad.enter()) {
            batched = ee.forward(BATCH.inputs()).value().toArray();
            for (int r = 0; r < BATCH.size(); r++) {
                Tensor one = BATCH.inputs().rows(r, r + 1).copy();
                float[] alone = ee.forward(one).value().toArray();
                for (int c = 0; c < 10; c++) {
                    assertEquals(alone[c], batched[r * 10 + c], 1e-4, "row " + r + " class " + c);
                }
            }
        }
        long[] left = ee.leftAtDepth();
        assertEquals(2L * BATCH.size(), left[0] + left[1] + left[2]);
        assertTrue(left[0] >= BATCH.size() - 2, "about half the rows of both runs leave at the first exit: " + Arrays.toString(left));
        assertTrue(left[2] > 0, "some rows run the whole network: " + Arrays.toString(left));
    }

    @Test
    void macsAtTheLastDepthAreTheBackbonesPlusTheExitsPassed() {
        TransformerClassifier backbone = tiny(3, 1);
        EarlyExitModel ee = new EarlyExitModel(backbone);
        long exitMacs = 16L * 10;
        assertEquals(backbone.macsPerInference() + 2 * exitMacs, ee.macsAtDepth(2));
        assertTrue(ee.macsAtDepth(0) < ee.macsAtDepth(1) && ee.macsAtDepth(1) < ee.macsAtDepth(2));
        assertEquals(0.5 * ee.macsAtDepth(0) + 0.5 * ee.macsAtDepth(2), ee.meanMacs(new double[] {0.5, 0, 0.5}), 1e-6);
    }

    @Test
    void runningWithGradientsIsRefused() {
        EarlyExitModel ee = new EarlyExitModel(tiny(2, 1));
        EarlyExitException e = assertThrows(EarlyExitException.class, () -> ee.forward(BATCH.inputs()));
        assertTrue(e.getMessage().contains("NoGrad"), e.getMessage());
    }

    @Test
    void aOneBlockBackboneIsRefused() {
        EarlyExitException e = assertThrows(EarlyExitException.class, () -> new EarlyExitModel(tiny(1, 1)));
        assertTrue(e.getMessage().contains("at least 2 blocks"), e.getMessage());
    }
}
