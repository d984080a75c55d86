package dev.joule.autograd;

/**
 * The error function for the exact GELU. Abramowitz-Stegun 7.1.26 (error 1.5e-7 absolute but poor
 * relative accuracy near 0) is not enough for gradient checks; this uses the Chebyshev-fitted
 * {@code erfc} of Numerical Recipes (§6.2, fractional error below 1.2e-7 everywhere), evaluated in
 * double, so {@code erf} is within about 1.2e-7 of the true value over the whole line; below |x| = 0.5 a short
 * Maclaurin series is used instead, exact at 0 and odd by construction.
 */
public final class Erf {
    private Erf() {}

    /** erf(x) in double, within about 1.2e-7 everywhere; also what the ONNX importer's Erf operator runs. */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z < 0.5) {
            // Maclaurin series: exact zero at 0 and full relative accuracy for small x (terms < 1e-11 by n = 8).
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n <= 8; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        double r = 1.0 - erfc(z);
        return x < 0 ? -r : r;
    }

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double r = t * Math.exp(poly);
        return x >= 0 ? r : 2.0 - r;
    }
}
