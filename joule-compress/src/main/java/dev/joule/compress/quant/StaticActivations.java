package dev.joule.compress.quant;

import dev.joule.kernel.quant.Int8Activations;

/**
 * Static int8 activation quantization: one calibrated scale for every row,
 * {@code q = clamp(rint(x / scale), -127, 127)} (half to even, as the dynamic path), so values beyond
 * {@code ±127 · scale} saturate. The codes go into an {@link Int8Activations} buffer (its arrays are
 * shared) so the same W8A8 kernels run them.
 */
final class StaticActivations {
    static final int MAX_CODE = 127;

    private StaticActivations() {}

    /** Quantizes {@code rows × cols} values at {@code x[xOff ...]} with {@code scale} into {@code out}. */
    static Int8Activations quantize(float[] x, int xOff, float scale, Int8Activations out) {
        byte[] q = out.codes();
        int n = out.rows() * out.cols();
        for (int i = 0; i < n; i++) {
            q[i] = code(x[xOff + i], scale);
        }
        java.util.Arrays.fill(out.scales(), scale);
        return out;
    }

    /** The code of one value. */
    static byte code(float v, float scale) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("cannot quantize non-finite activation " + v
                    + "; clean the input (NaN/Inf) before quantizing");
        }
        double r = Math.rint(v / scale);
        return (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, r));
    }
}
