package dev.joule.autograd;

/**
 * A leaky integrate-and-fire neuron's constants, as snnTorch's {@code Leaky} defines them (one step, per neuron):
 *
 * <pre>
 *   subtract reset:  U_t = β·U_{t−1} + I_t − θ·S_{t−1}
 *   zero reset:      U_t = β·(1 − S_{t−1})·U_{t−1} + I_t
 *   spike:           S_t = H(U_t − θ)   (1 when U_t &gt; θ, else 0; exact in the forward pass)
 * </pre>
 * with {@code U_{−1} = 0, S_{−1} = 0}. The reset acts one step after the spike (snnTorch's {@code reset_delay}),
 * so the membrane that crossed θ is what the surrogate sees. β and θ are fixed, not learned.
 *
 * @param beta        membrane decay per step, in [0, 1]
 * @param threshold   firing threshold θ &gt; 0
 * @param reset       how a spike resets the membrane
 * @param surrogate   the backward pseudo-derivative of the step
 * @param detachReset when true (snnTorch's choice) no gradient flows through the reset term: {@code S_{t−1}} is a
 *                    constant there, and the only path from a spike back to the membrane is the surrogate
 */
public record Lif(float beta, float threshold, Reset reset, Surrogate surrogate, boolean detachReset) {
    /** What a spike does to the membrane on the next step. */
    public enum Reset { SUBTRACT, ZERO }

    public Lif {
        if (!(beta >= 0 && beta <= 1) || !(threshold > 0) || !Float.isFinite(threshold) || reset == null
                || surrogate == null) {
            throw new IllegalArgumentException("LIF needs beta in [0, 1], a positive finite threshold, a reset and a"
                    + " surrogate, got beta " + beta + ", threshold " + threshold + ", " + reset + ", " + surrogate);
        }
    }

    /** snnTorch's defaults with the given β: θ = 1, subtract reset, ATan(α = 2), detached reset. */
    public static Lif of(float beta) {
        return new Lif(beta, 1f, Reset.SUBTRACT, Surrogate.atan(2f), true);
    }

    public Lif withReset(Reset r) {
        return new Lif(beta, threshold, r, surrogate, detachReset);
    }

    public Lif withSurrogate(Surrogate s) {
        return new Lif(beta, threshold, reset, s, detachReset);
    }

    public Lif withDetachReset(boolean detach) {
        return new Lif(beta, threshold, reset, surrogate, detach);
    }
}
