package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.autograd.NoGrad;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CharTransformerTest {

    private static Model tiny() {
        return ModelRegistry.create(ModelConfig.charLm("transformer", 11, 16).withShape(16, 2, 2, 32), 5);
    }

    @Test
    void changingAFutureTokenLeavesEarlierLogitsAlone() {
        Model m = tiny();
        float[] ids = {1, 4, 2, 8, 5, 7, 3, 0};
        float[] changed = ids.clone();
        changed[5] = 10;
        try (NoGrad g = NoGrad.enter()) {
            float[] a = m.forward(Tensor.of(ids, 1, 8)).value().toArray();
            float[] b = m.forward(Tensor.of(changed, 1, 8)).value().toArray();
            int vocab = 11;
            assertArrayEquals(Arrays.copyOf(a, 5 * vocab), Arrays.copyOf(b, 5 * vocab), 0f);
            assertNotEquals(a[5 * vocab], b[5 * vocab]);
        }
    }

    @Test
    void rejectsContextLongerThanTheModel() {
        Model m = tiny();
        assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 17)));
    }

    @Test
    void samplerIsDeterministicForASeed() {
        Model m = tiny();
        Sampler s = new Sampler(m, 16);
        int[] prompt = {1, 2, 3};
        int[] a = s.generate(prompt, 30, 1.0f, 5, 99);
        int[] b = s.generate(prompt, 30, 1.0f, 5, 99);
        assertArrayEquals(a, b);
        assertEquals(30, a.length);
        for (int t : a) {
            assertEquals(true, t >= 0 && t < 11);
        }
        int[] c = s.generate(prompt, 30, 1.0f, 5, 100);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void topOneAndGreedyAgree() {
        Model m = tiny();
        Sampler s = new Sampler(m, 16);
        int[] prompt = {4};
        assertArrayEquals(s.generate(prompt, 20, 0f, 0, 1), s.generate(prompt, 20, 1.3f, 1, 2));
    }
}
