package dev.joule.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {

    private static Var withGrad(float... g) {
        Var p = Var.param(Tensor.zeros(g.length));
        p.accumulateGrad(Tensor.of(g.clone(), g.length));
        return p;
    }

    @Test
    void scalesToMaxNormAcrossAllParameters() {
        Var a = withGrad(3f);
        Var b = withGrad(0f, 4f);
        Var none = Var.param(Tensor.zeros(2));
        float norm = GradClip.clipByGlobalNorm(List.of(a, b, none), 1f);
        assertEquals(5f, norm, 1e-6f);
        assertArrayEquals(new float[] {0.6f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0.8f}, b.grad().toArray(), 1e-6f);
    }

    @Test
    void leavesSmallGradientsUntouched() {
        Var a = withGrad(0.3f, -0.4f);
        float norm = GradClip.clipByGlobalNorm(List.of(a), 1f);
        assertEquals(0.5f, norm, 1e-6f);
        assertArrayEquals(new float[] {0.3f, -0.4f}, a.grad().toArray(), 0f);
    }
}
