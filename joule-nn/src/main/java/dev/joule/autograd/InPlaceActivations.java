package dev.joule.autograd;

/**
 * Activations applied in place to a span of a plain array, with no gradient: the epilogue of a fused
 * inference layer (a linear layer's output finished by GELU while it is still in cache). Same
 * arithmetic as the {@link Ops} activations, up to the cheaper Φ of the vector GELU (within 3e-7·(1 + |x|);
 * {@code GeluVector.normalCdfRational}).
 */
public final class InPlaceActivations {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private InPlaceActivations() {}

    /** Exact GELU, {@code x · Φ(x)}, on {@code a[off .. off + n)}; runs on the calling thread. */
    public static void gelu(float[] a, int off, int n) {
        if (ActivationOps.vectorGelu()) {
            GeluVector.inPlace(a, off, n);
            return;
        }
        for (int i = off; i < off + n; i++) {
            double v = a[i];
            a[i] = (float) (v * (0.5 * (1.0 + Erf.erf(v * INV_SQRT2))));
        }
    }
}
