package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** An add passes its output gradient on without copying; later contributions must not write through it. */
class SharedGradTest {

    @Test
    void residualGradientIsRightAndTheOutputGradientIsNotChanged() {
        Var p = Var.param(Tensor.of(new float[] {1f, 2f, 3f}, 3));
        Var x = Ops.scale(p, 2f);                 // interior node: takes the shared gradient
        Var h = Ops.add(x, Ops.mul(x, x));        // h = x + x², dh/dx = 1 + 2x
        Var loss = Ops.sumAll(Ops.scale(h, 3f));
        loss.backward();
        // dloss/dh = 3; dloss/dx = 3(1 + 2x) with x = 2, 4, 6; dloss/dp = 2 · that.
        assertArrayEquals(new float[] {3f, 3f, 3f}, h.grad().toArray(), 0f);
        assertArrayEquals(new float[] {15f, 27f, 39f}, x.grad().toArray(), 1e-5f);
        assertArrayEquals(new float[] {30f, 54f, 78f}, p.grad().toArray(), 1e-5f);
    }

    @Test
    void bothOperandsOfASelfAddGetTheSum() {
        Var p = Var.param(Tensor.of(new float[] {1f, -1f}, 2));
        Var x = Ops.scale(p, 1f);
        Var loss = Ops.sumAll(Ops.add(x, x));
        loss.backward();
        assertArrayEquals(new float[] {2f, 2f}, x.grad().toArray(), 0f);
        assertArrayEquals(new float[] {2f, 2f}, p.grad().toArray(), 0f);
    }

    @Test
    void parametersGetTheirOwnCopy() {
        Var a = Var.param(Tensor.of(new float[] {1f, 2f}, 2));
        Var b = Var.param(Tensor.of(new float[] {3f, 4f}, 2));
        Var h = Ops.add(a, b);
        Ops.sumAll(h).backward();
        assertNotSame(a.grad().data(), b.grad().data());
        assertNotSame(a.grad().data(), h.grad().data());
        a.grad().data()[a.grad().offset()] = 100f;
        assertArrayEquals(new float[] {1f, 1f}, b.grad().toArray(), 0f);
    }
}
