package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class GraphTest {

    @Test
    void valueUsedTwiceAccumulatesBothGradients() {
        // y = sum(x ⊙ x + 3x) → dy/dx = 2x + 3
        Var x = Var.param(Tensor.of(new float[] {1f, -2f, 0.5f}, 3));
        Var y = Ops.sumAll(Ops.add(Ops.mul(x, x), Ops.scale(x, 3f)));
        y.backward();
        assertArrayEquals(new float[] {5f, -1f, 4f}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void diamondGraphThroughSharedIntermediate() {
        // h = relu(x); y = sum(h) + sum(h ⊙ h)  → dy/dx = (1 + 2h) where x > 0
        Var x = Var.param(Tensor.of(new float[] {2f, -1f}, 2));
        Var h = Ops.relu(x);
        Ops.add(Ops.sumAll(h), Ops.sumAll(Ops.square(h))).backward();
        assertArrayEquals(new float[] {5f, 0f}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void noGradBuildsNoGraph() {
        Var w = Var.param(randn(121, 3, 3));
        Var x = Var.constant(randn(122, 2, 3));
        Var y;
        try (NoGrad g = NoGrad.enter()) {
            y = Ops.crossEntropy(Ops.linear(x, w, null), new int[] {0, 1}, 0f);
        }
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::backward);
        assertNull(w.grad());
        Var z = Ops.sumAll(Ops.linear(x, w, null));
        assertTrue(z.requiresGrad());
    }

    @Test
    void constantsReceiveNoGradient() {
        Var w = Var.param(randn(123, 3, 2));
        Var x = Var.constant(randn(124, 4, 3));
        Ops.sumAll(Ops.matmul(x, w)).backward();
        assertNull(x.grad());
        assertTrue(w.grad() != null);
    }

    @Test
    void gradCheckCatchesAWrongBackward() {
        // An op whose backward forgets the factor 2 of d(x²)/dx must fail the check.
        GradCheck.Op wrong = v -> {
            Var a = v[0];
            Tensor y = Tensor.of(GradCheck.toFloat(GradCheck.map(GradCheck.toDouble(a.value()), t -> t * t)), a.shape());
            return Var.op(y, g -> a.accumulateGrad(g), a);
        };
        assertThrows(AssertionFailedError.class,
                () -> GradCheck.check("wrong", wrong, x -> GradCheck.map(x[0], t -> t * t), randn(125, 5)));
    }
}
