package dev.joule.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static Map<String, Var> params(float[]... values) {
        Map<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put("p" + i, Var.param(Tensor.of(values[i].clone(), values[i].length)));
        }
        return m;
    }

    private static void setGrad(Var p, float[] g) {
        p.zeroGrad();
        p.accumulateGrad(Tensor.of(g.clone(), g.length));
    }

    /** The PyTorch AdamW algorithm in double, one step over a vector. */
    private static void referenceStep(double[] p, double[] g, double[] m, double[] v, int t, double lr, double wd,
            boolean decoupled) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        for (int i = 0; i < p.length; i++) {
            double gi = decoupled ? g[i] : g[i] + wd * p[i];
            if (decoupled) {
                p[i] *= 1 - lr * wd;
            }
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            double mHat = m[i] / (1 - Math.pow(b1, t));
            double vHat = v[i] / (1 - Math.pow(b2, t));
            p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    @Test
    void twoStepsMatchTheDoubleReference() {
        float[] init = {0.5f, -1.25f, 2f};
        float[][] grads = {{0.1f, -0.3f, 0.02f}, {-0.2f, 0.05f, 0.4f}};
        Map<String, Var> ps = params(init);
        AdamW opt = new AdamW(ps, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f);
        double[] p = {0.5, -1.25, 2};
        double[] m = new double[3];
        double[] v = new double[3];
        for (int t = 1; t <= 2; t++) {
            setGrad(ps.get("p0"), grads[t - 1]);
            opt.step();
            double[] g = {grads[t - 1][0], grads[t - 1][1], grads[t - 1][2]};
            referenceStep(p, g, m, v, t, 0.01, 0.1, true);
        }
        float[] got = ps.get("p0").value().toArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(p[i], got[i], 1e-6, "element " + i);
        }
        assertEquals(2, opt.stepCount());
    }

    @Test
    void firstStepMovesEachWeightByAboutLr() {
        // With bias correction the first Adam step is lr * sign(g) (up to eps), whatever the gradient's scale.
        Map<String, Var> ps = params(new float[] {1f, 1f});
        AdamW opt = AdamW.adam(ps, 1e-3f);
        setGrad(ps.get("p0"), new float[] {1000f, -1e-3f});
        opt.step();
        assertArrayEquals(new float[] {1f - 1e-3f, 1f + 1e-3f}, ps.get("p0").value().toArray(), 1e-6f);
    }

    @Test
    void adamWithL2MatchesTheReference() {
        Map<String, Var> ps = params(new float[] {0.3f, -0.7f});
        AdamW opt = AdamW.adam(ps, 0.05f, 0.2f);
        double[] p = {0.3, -0.7};
        double[] m = new double[2];
        double[] v = new double[2];
        float[] g = {0.4f, 0.1f};
        for (int t = 1; t <= 3; t++) {
            setGrad(ps.get("p0"), g);
            opt.step();
            referenceStep(p, new double[] {0.4f, 0.1f}, m, v, t, 0.05, 0.2, false);
        }
        float[] got = ps.get("p0").value().toArray();
        assertEquals(p[0], got[0], 1e-6);
        assertEquals(p[1], got[1], 1e-6);
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Map<String, Var> ps = params(new float[] {1f}, new float[] {2f});
        AdamW opt = new AdamW(ps, 0.1f);
        setGrad(ps.get("p0"), new float[] {1f});
        opt.step();
        assertEquals(2f, ps.get("p1").value().item());
    }

    @Test
    void stateRoundTripGivesIdenticalNextSteps() {
        float[] init = {0.1f, 0.2f, -0.3f, 0.4f};
        Map<String, Var> a = params(init);
        Map<String, Var> b = params(init);
        AdamW optA = new AdamW(a, 0.02f);
        float[][] grads = {{1f, -2f, 0.5f, 0f}, {0.3f, 0.3f, -0.1f, 2f}, {-1f, 0.2f, 0.2f, 0.7f}};
        for (int t = 0; t < 2; t++) {
            setGrad(a.get("p0"), grads[t]);
            optA.step();
        }
        Map<String, Tensor> saved = optA.state();
        assertEquals(2f, saved.get("step").item());
        assertArrayEquals(new int[] {4}, saved.get("p0.exp_avg").shape());
        b.get("p0").value().copyFrom(a.get("p0").value());
        AdamW optB = new AdamW(b, 0.02f);
        optB.loadState(saved);
        setGrad(a.get("p0"), grads[2]);
        setGrad(b.get("p0"), grads[2]);
        optA.step();
        optB.step();
        assertArrayEquals(a.get("p0").value().toArray(), b.get("p0").value().toArray(), 0f);
    }

    @Test
    void loadingStateOfTheWrongShapeNamesTheTensor() {
        Map<String, Var> ps = params(new float[] {1f, 2f});
        AdamW opt = new AdamW(ps, 0.1f);
        Map<String, Tensor> state = new LinkedHashMap<>(opt.state());
        state.put("p0.exp_avg", Tensor.zeros(3));
        var e = assertThrows(OptimizerStateException.class, () -> opt.loadState(state));
        assertEquals("optimizer state 'p0.exp_avg' has shape [3], the parameter has shape [2]", e.getMessage());
    }

    @Test
    void zeroGradKeepsTheBufferButClearsIt() {
        Map<String, Var> ps = params(new float[] {1f, 2f});
        AdamW opt = new AdamW(ps, 0.1f);
        setGrad(ps.get("p0"), new float[] {3f, 4f});
        Tensor g = ps.get("p0").grad();
        opt.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, ps.get("p0").grad().toArray());
        assertEquals(g, ps.get("p0").grad());
    }
}
