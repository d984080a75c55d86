package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.kernel.forms.DenseWeights;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Ops#linear} runs an attached weight form exactly when no gradient is recorded. */
class LinearFormDispatchTest {

    private static final float[] W = {1, 2, 3, 4, 5, 6};        // [2, 3]
    private static final float[] X = {1, 0, -1, 2, 1, 0.5f};     // [2, 3]

    @Test
    void noGradRunsTheFormAndAddsTheBias() {
        Var w = Var.param(Tensor.of(W.clone(), 2, 3));
        Var b = Var.param(Tensor.of(new float[] {10, 20}, 2));
        float[] doubled = W.clone();
        for (int i = 0; i < doubled.length; i++) {
            doubled[i] *= 2;
        }
        // A form holding a different matrix makes it visible which path ran.
        w.setInferenceWeights(new DenseWeights(2, 3, doubled));
        Var x = Var.constant(Tensor.of(X.clone(), 2, 3));
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor y = Ops.linear(x, w, b).value();
            assertArrayEquals(new float[] {2 * (1 - 3) + 10, 2 * (4 - 6) + 20, 2 * (2 + 2 + 1.5f) + 10,
                2 * (8 + 5 + 3) + 20}, y.data(), 1e-6f);
        }
        Tensor trained = Ops.linear(x, w, b).value();
        assertArrayEquals(new float[] {(1 - 3) + 10, (4 - 6) + 20, (2 + 2 + 1.5f) + 10, (8 + 5 + 3) + 20},
                trained.data(), 1e-6f);
        w.setInferenceWeights(null);
        try (NoGrad ignored = NoGrad.enter()) {
            assertArrayEquals(trained.data(), Ops.linear(x, w, b).value().data(), 0f);
        }
    }

    @Test
    void aFormOfTheWrongShapeIsRefused() {
        Var w = Var.param(Tensor.of(W.clone(), 2, 3));
        assertThrows(ShapeException.class, () -> w.setInferenceWeights(new DenseWeights(3, 2, W.clone())));
    }
}
