package dev.joule.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SGDTest {

    private static Map<String, Var> one(float... values) {
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("w", Var.param(Tensor.of(values.clone(), values.length)));
        return m;
    }

    private static void setGrad(Var p, float... g) {
        p.zeroGrad();
        p.accumulateGrad(Tensor.of(g.clone(), g.length));
    }

    @Test
    void plainStepIsLrTimesGradient() {
        Map<String, Var> ps = one(1f, -1f);
        SGD opt = new SGD(ps, 0.5f);
        setGrad(ps.get("w"), 0.2f, -0.4f);
        opt.step();
        assertArrayEquals(new float[] {0.9f, -0.8f}, ps.get("w").value().toArray(), 1e-7f);
    }

    @Test
    void momentumMatchesHandComputedSteps() {
        // μ = 0.9, lr = 0.1, constant gradient 1: buffers 1, 1.9, 2.71 -> w = 1 - 0.1·(1 + 1.9 + 2.71) = 0.439
        Map<String, Var> ps = one(1f);
        SGD opt = new SGD(ps, 0.1f, 0.9f, 0f, false);
        for (int i = 0; i < 3; i++) {
            setGrad(ps.get("w"), 1f);
            opt.step();
        }
        assertEquals(0.439f, ps.get("w").value().item(), 1e-6f);
    }

    @Test
    void nesterovAndWeightDecayMatchHandComputedSteps() {
        // wd 0.5, μ 0.5, lr 0.1, w0 = 2, raw gradient 0:
        // step 1: g = 1, b = 1, update g + μb = 1.5 -> w = 1.85
        // step 2: g = 0.925, b = 0.5 + 0.925 = 1.425, update 0.925 + 0.7125 = 1.6375 -> w = 1.68625
        Map<String, Var> ps = one(2f);
        SGD opt = new SGD(ps, 0.1f, 0.5f, 0.5f, true);
        setGrad(ps.get("w"), 0f);
        opt.step();
        assertEquals(1.85f, ps.get("w").value().item(), 1e-6f);
        setGrad(ps.get("w"), 0f);
        opt.step();
        assertEquals(1.68625f, ps.get("w").value().item(), 1e-6f);
    }

    @Test
    void stateRoundTripGivesIdenticalNextSteps() {
        Map<String, Var> a = one(1f, 2f);
        SGD optA = new SGD(a, 0.1f, 0.9f, 0.01f, false);
        setGrad(a.get("w"), 0.5f, -0.5f);
        optA.step();
        Map<String, Var> b = one(1f, 2f);
        b.get("w").value().copyFrom(a.get("w").value());
        SGD optB = new SGD(b, 0.1f, 0.9f, 0.01f, false);
        optB.loadState(optA.state());
        setGrad(a.get("w"), 0.3f, 0.1f);
        setGrad(b.get("w"), 0.3f, 0.1f);
        optA.step();
        optB.step();
        assertArrayEquals(a.get("w").value().toArray(), b.get("w").value().toArray(), 0f);
    }
}
