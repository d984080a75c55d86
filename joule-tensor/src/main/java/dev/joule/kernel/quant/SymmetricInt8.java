package dev.joule.kernel.quant;

/**
 * The one symmetric int8 rounding rule shared by weights and activations: {@code scale = amax / 127},
 * {@code q = clamp(rint(x / scale), -127, 127)} with round half to even ({@link Math#rint}, the rule
 * PyTorch's kernels use; llama.cpp's {@code roundf} rounds ties away from zero instead). Dividing
 * rather than multiplying by {@code 1 / scale} keeps every element within {@code scale / 2} of its
 * code (up to one float rounding of the quotient).
 */
final class SymmetricInt8 {
    static final int MAX_CODE = 127;

    private SymmetricInt8() {}

    /** Quantizes {@code n} values into {@code q[qOff ...]}; returns the scale (0 for an all-zero row). */
    static float quantizeRow(float[] x, int xOff, int n, byte[] q, int qOff) {
        float amax = 0f;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("cannot quantize non-finite value " + v + " at index "
                        + (xOff + i) + "; clean the input (NaN/Inf) before quantizing");
            }
            amax = Math.max(amax, Math.abs(v));
        }
        float scale = amax / MAX_CODE;
        if (scale == 0f) {
            java.util.Arrays.fill(q, qOff, qOff + n, (byte) 0);
            return 0f;
        }
        for (int i = 0; i < n; i++) {
            double r = Math.rint(x[xOff + i] / scale);
            q[qOff + i] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, r));
        }
        return scale;
    }

    /**
     * Quantizes {@code n} values with a given {@code scale > 0} (a calibrated, static scale): the
     * same rounding as {@link #quantizeRow}, and values beyond {@code ±127 · scale} clip to ±127.
     */
    static void quantizeRowWithScale(float[] x, int xOff, int n, float scale, byte[] q, int qOff) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("cannot quantize non-finite value " + v + " at index "
                        + (xOff + i) + "; clean the input (NaN/Inf) before quantizing");
            }
            double r = Math.rint(v / scale);
            q[qOff + i] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, r));
        }
    }
}
