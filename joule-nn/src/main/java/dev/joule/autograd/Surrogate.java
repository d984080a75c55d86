package dev.joule.autograd;

/**
 * The pseudo-derivative a spiking neuron uses in place of the Heaviside step's (zero almost everywhere)
 * derivative; the forward pass stays the exact step. With {@code x = U − θ}:
 *
 * <ul>
 *   <li>{@link Kind#ATAN}: {@code dS/dx = (α/2) / (1 + (π/2·α·x)²)}, the derivative of
 *       {@code arctan(π/2·α·x)/π + ½} (snnTorch's and SpikingJelly's ATan; snnTorch's default, α = 2).</li>
 *   <li>{@link Kind#FAST_SIGMOID}: {@code dS/dx = 1 / (k·|x| + 1)²}, the derivative of {@code x / (1 + k·|x|)}
 *       (snnTorch's fast_sigmoid, Zenke and Ganguli's SuperSpike; slope k = 25 by default).</li>
 * </ul>
 *
 * @param kind  which pseudo-derivative
 * @param slope α for ATan, k for the fast sigmoid; larger is sharper
 */
public record Surrogate(Kind kind, float slope) {
    /** The supported pseudo-derivatives. */
    public enum Kind { ATAN, FAST_SIGMOID }

    public Surrogate {
        if (kind == null || !(slope > 0) || !Float.isFinite(slope)) {
            throw new IllegalArgumentException("surrogate needs a kind and a positive finite slope, got " + kind + ", "
                    + slope);
        }
    }

    /** ATan with the given α (2 is snnTorch's default). */
    public static Surrogate atan(float alpha) {
        return new Surrogate(Kind.ATAN, alpha);
    }

    /** Fast sigmoid with the given slope k (25 is snnTorch's default). */
    public static Surrogate fastSigmoid(float slope) {
        return new Surrogate(Kind.FAST_SIGMOID, slope);
    }

    /** The pseudo-derivative {@code dS/dx} at {@code x = U − θ}. */
    public double derivative(double x) {
        return switch (kind) {
            case ATAN -> {
                double z = Math.PI / 2 * slope * x;
                yield slope / 2 / (1 + z * z);
            }
            case FAST_SIGMOID -> {
                double d = slope * Math.abs(x) + 1;
                yield 1 / (d * d);
            }
        };
    }
}
