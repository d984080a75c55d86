package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void topKNeverPicksOutsideTheKBest() {
        float[] logits = {0.1f, 3f, -1f, 2.5f, 0f, 2.9f};
        SplittableRandom rng = new SplittableRandom(1);
        int[] counts = new int[logits.length];
        for (int i = 0; i < 3000; i++) {
            counts[Sampler.pick(logits, 0, logits.length, 1f, 3, rng)]++;
        }
        assertEquals(0, counts[0] + counts[2] + counts[4]);
        assertTrue(counts[1] > counts[3], "logit 3 should be drawn more often than logit 2.5");
    }

    @Test
    void frequenciesFollowTheSoftmax() {
        // logits ln 1, ln 3 at temperature 1: probabilities 1/4 and 3/4.
        float[] logits = {0f, (float) Math.log(3)};
        SplittableRandom rng = new SplittableRandom(2);
        int ones = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            ones += Sampler.pick(logits, 0, 2, 1f, 0, rng);
        }
        assertEquals(0.75, ones / (double) n, 0.02);
    }

    @Test
    void lowTemperatureIsAlmostGreedy() {
        float[] logits = {1f, 1.5f, 0.5f};
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, Sampler.pick(logits, 0, 3, 0.01f, 0, rng));
        }
    }

    @Test
    void emptyPromptIsRejected() {
        Sampler s = new Sampler(ModelRegistry.create(ModelConfig.charLm("transformer", 5, 8).withShape(8, 2, 1, 16), 1), 8);
        assertThrows(IllegalArgumentException.class, () -> s.generate(new int[0], 3, 1f, 0, 1));
    }
}
