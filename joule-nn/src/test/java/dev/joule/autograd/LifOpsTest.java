package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The LIF op: the forward is the exact step (binary spikes equal to a double simulation), and the backward is the
 * surrogate-gradient BPTT it claims to be.
 *
 * <p>Why not plain finite differences: the spike is a step function of the input, so a finite difference of the
 * true forward is 0 almost everywhere (and huge where a perturbation flips a spike). The surrogate gradient is by
 * design not that derivative. What it is: the exact derivative, at the current point, of the "straight-through
 * smoothed" network in which every spike is {@code S_t = H(x⁰_t) + φ(x_t) − φ(x⁰_t)}, with {@code x⁰} the
 * membranes at the point of evaluation (frozen) and {@code φ} the surrogate's primitive ({@code φ' = σ'}). That
 * function equals the op at the point (so its forward is still binary there), is smooth around it, and its
 * derivative is what BPTT with σ' in place of H' computes. The double reference below is that function; where the
 * reset is detached it uses the frozen {@code H(x⁰_{t−1})} in the reset term.
 */
class LifOpsTest {
    private static final int T = 6;
    private static final int N = 8;

    /** The surrogate's primitive φ, with φ' the pseudo-derivative. */
    private static double primitive(Surrogate s, double x) {
        return switch (s.kind()) {
            case ATAN -> Math.atan(Math.PI / 2 * s.slope() * x) / Math.PI + 0.5;
            case FAST_SIGMOID -> x / (1 + s.slope() * Math.abs(x));
        };
    }

    /** Plain double LIF with the exact step: the spikes H(x⁰) at the given currents ({@code [T, N]} or repeated). */
    private static double[] exactSpikes(double[] in, boolean repeated, Lif lif, double[] membraneOut) {
        double[] s = new double[T * N];
        for (int i = 0; i < N; i++) {
            double u = 0;
            double prev = 0;
            for (int t = 0; t < T; t++) {
                double c = in[repeated ? i : t * N + i];
                u = lif.reset() == Lif.Reset.SUBTRACT ? lif.beta() * u + c - lif.threshold() * prev
                        : lif.beta() * (1 - prev) * u + c;
                prev = u > lif.threshold() ? 1 : 0;
                s[t * N + i] = prev;
                membraneOut[t * N + i] = u;
            }
        }
        return s;
    }

    /** The straight-through smoothed LIF around the frozen spikes {@code h0} and membranes {@code u0}. */
    private static double[] smoothed(double[] in, boolean repeated, Lif lif, double[] h0, double[] u0) {
        double[] out = new double[T * N];
        double theta = lif.threshold();
        for (int i = 0; i < N; i++) {
            double u = 0;
            double prev = 0;
            double prevFrozen = 0;
            for (int t = 0; t < T; t++) {
                int at = t * N + i;
                double c = in[repeated ? i : at];
                double r = lif.detachReset() ? prevFrozen : prev;
                u = lif.reset() == Lif.Reset.SUBTRACT ? lif.beta() * u + c - theta * r : lif.beta() * (1 - r) * u + c;
                Surrogate sur = lif.surrogate();
                prev = h0[at] + primitive(sur, u - theta) - primitive(sur, u0[at] - theta);
                prevFrozen = h0[at];
                out[at] = prev;
            }
        }
        return out;
    }

    private static void check(Lif lif, boolean repeated, long seed) {
        Tensor in = repeated ? GradCheck.randn(seed, N) : GradCheck.randn(seed, T, N);
        float[] d = in.data();
        for (int k = 0; k < d.length; k++) {
            d[k] = 0.45f + 0.7f * d[k];
        }
        double[] x = GradCheck.toDouble(in);
        double[] u0 = new double[T * N];
        double[] h0 = exactSpikes(x, repeated, lif, u0);
        double spikes = 0;
        for (int k = 0; k < u0.length; k++) {
            // f32 and double membranes differ by ~1e-7: a membrane this close to θ could fire in one and not the other.
            assertTrue(Math.abs(u0[k] - lif.threshold()) > 1e-4, "seed gives a membrane at the threshold");
            spikes += h0[k];
        }
        assertTrue(spikes >= 3 && spikes <= T * N - 3, "the inputs should make some neurons fire and some not: " + spikes);
        String name = "lif " + lif + (repeated ? " repeated" : "");
        GradCheck.check(name, v -> repeated ? LifOps.lifRepeated(v[0], T, lif) : LifOps.lif(v[0], lif),
                v -> smoothed(v[0], repeated, lif, h0, u0), in);
    }

    @Test
    void surrogateGradientsMatchTheSmoothedReference() {
        long seed = 1;
        for (Lif.Reset reset : Lif.Reset.values()) {
            for (boolean detach : new boolean[] {true, false}) {
                for (Surrogate sur : new Surrogate[] {Surrogate.atan(2f), Surrogate.fastSigmoid(5f)}) {
                    Lif lif = new Lif(0.8f, 1f, reset, sur, detach);
                    check(lif, false, seed++);
                    check(lif, true, seed++);
                }
            }
        }
    }

    @Test
    void forwardIsExactlyBinaryAndEqualsTheDoubleSimulation() {
        Lif lif = Lif.of(0.9f);
        for (Lif.Reset reset : Lif.Reset.values()) {
            Lif l = lif.withReset(reset);
            Tensor in = GradCheck.uniform(42, -1f, 2.5f, T, N);
            float[] y = LifOps.lif(Var.param(in), l).value().toArray();
            double[] ref = exactSpikes(GradCheck.toDouble(in), false, l, new double[T * N]);
            for (int k = 0; k < y.length; k++) {
                assertTrue(y[k] == 0f || y[k] == 1f, "spike " + y[k]);
                assertEquals(ref[k], y[k], 0.0, "element " + k);
            }
        }
    }

    @Test
    void subtractResetKeepsTheExcessAndZeroResetDropsIt() {
        // One neuron, current 1.5 each step, β = 1, θ = 1: subtract fires at U = 1.5, 2.0, 2.5 ...; zero fires every step.
        Lif sub = new Lif(1f, 1f, Lif.Reset.SUBTRACT, Surrogate.atan(2f), true);
        Tensor c = Tensor.full(1.5f, 1);
        float[] s = LifOps.lifRepeated(Var.constant(c), 4, sub).value().toArray();
        assertEquals(4f, s[0] + s[1] + s[2] + s[3]);
        Lif zero = sub.withReset(Lif.Reset.ZERO);
        Tensor small = Tensor.full(0.6f, 1);
        float[] z = LifOps.lifRepeated(Var.constant(small), 4, zero).value().toArray();
        // 0.6 → 1.2 fires → reset to 0, +0.6 → 1.2 fires: pattern 0 1 0 1.
        assertEquals(0f, z[0]);
        assertEquals(1f, z[1]);
        assertEquals(0f, z[2]);
        assertEquals(1f, z[3]);
    }
}
