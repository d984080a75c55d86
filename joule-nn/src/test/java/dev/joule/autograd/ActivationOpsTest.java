package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.map;
import static dev.joule.autograd.GradCheck.randn;
import static dev.joule.autograd.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ActivationOpsTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void erfIsAccurateToBetterThan1e6() {
        double worst = 0;
        for (double x = -6; x <= 6; x += 0.001) {
            worst = Math.max(worst, Math.abs(Erf.erf(x) - Ref.erf(x)));
        }
        assertTrue(worst < 1e-6, "max |erf error| = " + worst);
        assertEquals(0.0, Erf.erf(0), 1e-9);
        assertEquals(0.8427007929497149, Erf.erf(1), 1e-7);
    }

    @Test
    void pointwiseGradients() {
        Tensor x = randn(21, 4, 5);
        GradCheck.check("exp", v -> Ops.exp(v[0]), a -> map(a[0], Math::exp), x);
        GradCheck.check("tanh", v -> Ops.tanh(v[0]), a -> map(a[0], Math::tanh), x);
        GradCheck.check("sigmoid", v -> Ops.sigmoid(v[0]), a -> map(a[0], ActivationOpsTest::sigmoid), x);
        GradCheck.check("relu", v -> Ops.relu(v[0]), a -> map(a[0], t -> Math.max(t, 0)), x);
        GradCheck.check("silu", v -> Ops.silu(v[0]), a -> map(a[0], t -> t * sigmoid(t)), x);
        GradCheck.check("softplus", v -> Ops.softplus(v[0]), a -> map(a[0], t -> Math.log1p(Math.exp(t))), x);
        GradCheck.check("log", v -> Ops.log(v[0]), a -> map(a[0], Math::log), uniform(22, 0.3f, 4f, 4, 5));
    }

    @Test
    void geluExactAndTanhGradients() {
        Tensor x = randn(23, 4, 6);
        GradCheck.check("gelu", v -> Ops.gelu(v[0]),
                a -> map(a[0], t -> 0.5 * t * (1 + Ref.erf(t / Math.sqrt(2)))), x);
        double c = Math.sqrt(2 / Math.PI);
        GradCheck.check("geluTanh", v -> Ops.geluTanh(v[0]),
                a -> map(a[0], t -> 0.5 * t * (1 + Math.tanh(c * (t + 0.044715 * t * t * t)))), x);
    }

    @Test
    void vectorGeluMatchesDoubleReference() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ActivationOps.vectorGelu(), "vector kernels not active");
        int n = 4099;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -10f + 20f * i / (n - 1);
        }
        float[] out = new float[n];
        float[] cdf = new float[n];
        GeluVector.forward(x, 0, out, cdf, n);
        float[] g = new float[n];
        java.util.Arrays.fill(g, 1f);
        float[] dx = new float[n];
        GeluVector.backward(x, 0, cdf, g, 0, dx, 0, n);
        for (int i = 0; i < n; i++) {
            double phi = 0.5 * (1 + Ref.erf(x[i] / Math.sqrt(2)));
            double pdf = Math.exp(-0.5 * x[i] * x[i]) / Math.sqrt(2 * Math.PI);
            assertEquals(phi, cdf[i], 1e-6, "Φ(" + x[i] + ")");
            assertEquals(x[i] * phi, out[i], 1e-6 * (1 + Math.abs(x[i])), "gelu(" + x[i] + ")");
            assertEquals(phi + x[i] * pdf, dx[i], 2e-6 * (1 + Math.abs(x[i])), "gelu'(" + x[i] + ")");
        }
    }

    @Test
    void geluMatchesPyTorchValues() {
        // x · Φ(x) from normal-CDF values: Φ(-3) = 0.0013499, Φ(-1) = 0.1586553, Φ(0.5) = 0.6914625, Φ(2) = 0.9772499
        Var y = Ops.gelu(Var.constant(Tensor.of(new float[] {-3f, -1f, 0.5f, 2f}, 4)));
        float[] expected = {-0.0040496f, -0.1586553f, 0.3457312f, 1.9544997f};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], y.value().toArray()[i], 2e-6);
        }
    }

    @Test
    void exponentialFamilyMatchesMathOverAWideRange() {
        int n = 20001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -20f + 40f * i / (n - 1);
        }
        x[n / 2] = 1e-6f;
        float[] t = new float[n];
        float[] s = new float[n];
        float[] sp = new float[n];
        ExpMath.tanh(x, 0, t, n);
        ExpMath.sigmoid(x, 0, s, n);
        ExpMath.softplus(x, 0, sp, n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            assertEquals(Math.tanh(v), t[i], 2e-7 * Math.max(1e-3, Math.abs(Math.tanh(v))) + 1e-7, "tanh(" + v + ")");
            assertEquals(sigmoid(v), s[i], 2e-7, "sigmoid(" + v + ")");
            assertEquals(Math.log1p(Math.exp(v)), sp[i], 1e-6 * (1 + Math.abs(v)), "softplus(" + v + ")");
        }
        assertEquals(1e-6f, t[n / 2], 1e-12f);
    }

    @Test
    void stableAtExtremes() {
        Var y = Ops.softplus(Var.constant(Tensor.of(new float[] {-200f, 200f}, 2)));
        assertEquals(0f, y.value().toArray()[0], 1e-30);
        assertEquals(200f, y.value().toArray()[1], 1e-3);
        Var s = Ops.sigmoid(Var.constant(Tensor.of(new float[] {-200f, 200f}, 2)));
        assertEquals(0f, s.value().toArray()[0]);
        assertEquals(1f, s.value().toArray()[1]);
    }
}
