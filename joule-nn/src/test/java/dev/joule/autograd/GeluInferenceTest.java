package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** GELU without gradients (no Φ kept for a backward) gives the same values as with them, bit for bit. */
class GeluInferenceTest {
    @Test
    void noGradGeluEqualsTrainingGelu() {
        int n = 3 * 1031 + 5; // odd: vector body and scalar tail
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (Math.sin(i * 0.37) * (i % 7 == 0 ? 40 : 4)); // some far below the clamp of e^y
        }
        Var param = Var.param(Tensor.of(x.clone(), n));
        float[] training = Ops.gelu(param).value().toArray();
        float[] inference;
        try (NoGrad ignored = NoGrad.enter()) {
            Var y = Ops.gelu(Var.constant(Tensor.of(x.clone(), n)));
            assertFalse(y.requiresGrad());
            inference = y.value().toArray();
        }
        assertArrayEquals(training, inference, 0f);
    }
}
