package dev.joule.compress.quant;

/**
 * Per-output-channel weight clipping: each row is clipped to {@code ±α · max|w_row|} before the
 * kernel's own quantizer runs ({@code Int8Matrix.quantize} / {@code Int4Matrix.quantize}), with
 * α ∈ {1.00, 0.99, ..., 0.50} chosen to minimise the row's squared quantization error. Clipping first
 * and quantizing with the kernel's rule keeps the codes exactly what the kernel would produce for the
 * clipped matrix (its scale becomes {@code α · max / 127}, values beyond saturate at ±127).
 */
public final class WeightClipping {
    private WeightClipping() {}

    /** A copy of {@code w [rows, cols]} with every row clipped to its MSE-optimal threshold for {@code int8} (else int4). */
    public static float[] mseClipped(float[] w, int rows, int cols, boolean int8) {
        float[] out = w.clone();
        for (int o = 0; o < rows; o++) {
            int off = o * cols;
            float amax = 0f;
            for (int i = 0; i < cols; i++) {
                amax = Math.max(amax, Math.abs(w[off + i]));
            }
            if (amax == 0f) {
                continue;
            }
            float best = amax;
            double bestErr = Double.POSITIVE_INFINITY;
            for (int step = 100; step >= 50; step--) {
                float t = amax * step / 100f;
                double err = int8 ? int8Error(w, off, cols, t) : int4Error(w, off, cols, t);
                if (err < bestErr) {
                    bestErr = err;
                    best = t;
                }
            }
            for (int i = 0; i < cols; i++) {
                out[off + i] = Math.max(-best, Math.min(best, w[off + i]));
            }
        }
        return out;
    }

    private static double int8Error(float[] w, int off, int n, float t) {
        return error(w, off, n, t / 127f, 127);
    }

    private static double int4Error(float[] w, int off, int n, float t) {
        double err = 0;
        for (int b = 0; b < n; b += 32) {
            int len = Math.min(32, n - b);
            float amax = 0f;
            for (int i = 0; i < len; i++) {
                amax = Math.max(amax, Math.abs(w[off + b + i]));
            }
            float scale = Math.min(amax, t) / 7f;
            err += error(w, off + b, len, scale, 7);
        }
        return err;
    }

    private static double error(float[] w, int off, int n, float scale, int maxCode) {
        if (!(scale > 0)) {
            double e = 0;
            for (int i = 0; i < n; i++) {
                e += (double) w[off + i] * w[off + i];
            }
            return e;
        }
        double e = 0;
        for (int i = 0; i < n; i++) {
            double q = Math.max(-maxCode, Math.min(maxCode, Math.rint(w[off + i] / scale)));
            double d = w[off + i] - scale * q;
            e += d * d;
        }
        return e;
    }
}
