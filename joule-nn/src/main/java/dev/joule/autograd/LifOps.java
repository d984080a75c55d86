package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/**
 * Leaky integrate-and-fire neurons over T time steps ({@link Lif} gives the update), with surrogate-gradient
 * back-propagation through time.
 *
 * <p>Forward: the exact step, so the spikes are exactly 0 or 1. Backward, per neuron from {@code t = T−1} down,
 * with {@code σ'} the {@link Surrogate} at {@code x_t = U_t − θ}, {@code g_t} the incoming spike gradient and
 * {@code G_{t+1} = ∂L/∂U_{t+1}} (0 after the last step):
 *
 * <pre>
 *   ∂L/∂S_t = g_t + ∂U_{t+1}/∂S_t · G_{t+1}      (the second term only when the reset is not detached:
 *                                                  −θ for subtract, −β·U_t for zero)
 *   G_t     = σ'(x_t) · ∂L/∂S_t + ∂U_{t+1}/∂U_t · G_{t+1}   (β for subtract, β·(1 − S_t) for zero)
 *   ∂L/∂I_t = G_t
 * </pre>
 *
 * Neurons are independent and run in parallel. Each membrane update counts as one multiply-accumulate in
 * {@link OpCounter} ({@code β·U + I}); resets and comparisons as other flops.
 */
public final class LifOps {
    private LifOps() {}

    /** {@code current [T, ...]} (time-major: one input current per step and neuron) → spikes {@code [T, ...]}. */
    public static Var lif(Var current, Lif lif) {
        int[] s = current.shape();
        if (s.length < 2 || s[0] < 1) {
            throw new ShapeException("lif: current must be [T, ...] with T >= 1 and at least one neuron axis, got "
                    + OpSupport.str(s));
        }
        return run(current, s[0], false, s.clone(), lif);
    }

    /**
     * The same current {@code [...]} at each of {@code steps} steps (direct encoding: a layer fed by the analog
     * image) → spikes {@code [steps, ...]}; the current's gradient is the sum over steps.
     */
    public static Var lifRepeated(Var current, int steps, Lif lif) {
        if (steps < 1) {
            throw new IllegalArgumentException("lif: steps must be >= 1, got " + steps);
        }
        int[] s = current.shape();
        int[] out = new int[s.length + 1];
        out[0] = steps;
        System.arraycopy(s, 0, out, 1, s.length);
        return run(current, steps, true, out, lif);
    }

    private static Var run(Var current, int steps, boolean repeated, int[] outShape, Lif lif) {
        int neurons = repeated ? current.value().size() : current.value().size() / steps;
        float[] in = ScanOps.dense(current.value());
        boolean keep = OpSupport.needsGrad(current);
        float[] spikes = new float[steps * neurons];
        float[] membrane = keep ? new float[steps * neurons] : null;
        Parallel.parallelFor(neurons, 1024, (from, to) -> forwardRange(in, repeated, from, to, neurons, steps, lif,
                spikes, membrane));
        long updates = (long) steps * neurons;
        OpCounter.record(updates, 2 * updates, 12 * updates);
        Tensor out = Tensor.of(spikes, outShape);
        if (!keep) {
            return Var.constant(out);
        }
        return Var.op(out, g -> {
            float[] gs = ScanOps.dense(g);
            float[] gi = new float[in.length];
            Parallel.parallelFor(neurons, 1024, (from, to) -> backwardRange(gs, spikes, membrane, repeated, from, to,
                    neurons, steps, lif, gi));
            OpSupport.addInto(current, gi, 0);
        }, current);
    }

    /** Neurons [from, to), time outermost so that each step reads and writes contiguous runs. */
    private static void forwardRange(float[] in, boolean repeated, int from, int to, int neurons, int steps, Lif lif,
            float[] spikes, float[] membrane) {
        float beta = lif.beta();
        float theta = lif.threshold();
        boolean subtract = lif.reset() == Lif.Reset.SUBTRACT;
        int len = to - from;
        float[] u = new float[len];
        float[] prev = new float[len];
        for (int t = 0; t < steps; t++) {
            int base = t * neurons + from;
            int inBase = repeated ? from : base;
            for (int j = 0; j < len; j++) {
                float current = in[inBase + j];
                float v = subtract ? beta * u[j] + current - theta * prev[j]
                        : (prev[j] != 0f ? 0f : beta * u[j]) + current;
                float spike = v > theta ? 1f : 0f;
                u[j] = v;
                prev[j] = spike;
                spikes[base + j] = spike;
            }
            if (membrane != null) {
                System.arraycopy(u, 0, membrane, base, len);
            }
        }
    }

    /** Reverse-time pass over neurons [from, to), time outermost; see the class comment for the recurrence. */
    private static void backwardRange(float[] gs, float[] spikes, float[] membrane, boolean repeated, int from, int to,
            int neurons, int steps, Lif lif, float[] gi) {
        double beta = lif.beta();
        double theta = lif.threshold();
        boolean subtract = lif.reset() == Lif.Reset.SUBTRACT;
        boolean detach = lif.detachReset();
        Surrogate sur = lif.surrogate();
        int len = to - from;
        double[] gNext = new double[len];
        double[] gSum = repeated ? new double[len] : null;
        for (int t = steps - 1; t >= 0; t--) {
            int base = t * neurons + from;
            for (int j = 0; j < len; j++) {
                int at = base + j;
                double u = membrane[at];
                double gSpike = gs[at];
                if (!detach) {
                    gSpike += (subtract ? -theta : -beta * u) * gNext[j];
                }
                double carry = subtract ? beta : beta * (1 - spikes[at]);
                double gU = sur.derivative(u - theta) * gSpike + carry * gNext[j];
                if (repeated) {
                    gSum[j] += gU;
                } else {
                    gi[at] = (float) gU;
                }
                gNext[j] = gU;
            }
        }
        if (repeated) {
            for (int j = 0; j < len; j++) {
                gi[from + j] = (float) gSum[j];
            }
        }
    }
}
