package dev.joule.onnx.ops;

/**
 * The error function in double precision for the Erf operator. Small arguments use the Maclaurin
 * series; larger ones 1 − erfc with erfc from the Chebyshev-fitted exponential form of Numerical
 * Recipes (§6.2), whose fractional error is below 1.2e-7 — finer than float's resolution.
 */
final class Erf {
    private Erf() {}

    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 0.5) {
            // x · Σ (−1)^n x^{2n} / (n! (2n+1)) · 2/√π; 12 terms are exact to double rounding below 0.5
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 12; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return sum * 2.0 / Math.sqrt(Math.PI);
        }
        double r = 1.0 - erfc(ax);
        return x < 0 ? -r : r;
    }

    private static double erfc(double z) {
        double t = 2.0 / (2.0 + z);
        double ty = 4.0 * t - 2.0;
        double[] c = {-1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2,
            -9.561514786808631e-3, -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5,
            -2.0278578112534e-5, -1.624290004647e-6, 1.303655835580e-6, 1.5626441722e-8, -8.5238095915e-8,
            6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
            -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15,
            -9.4e-17, 1.21e-16, -2.8e-17};
        double d = 0;
        double dd = 0;
        for (int j = c.length - 1; j > 0; j--) {
            double tmp = d;
            d = ty * d - dd + c[j];
            dd = tmp;
        }
        return t * Math.exp(-z * z + 0.5 * (c[0] + ty * d) - dd);
    }
}
