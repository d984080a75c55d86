package dev.joule.compress.quant;

/**
 * The static int8 activation code of one value, {@code clamp(rint(x / scale), -127, 127)} (half to
 * even): the rule {@code Int8Activations.quantizeWithScale} applies, repeated here for calibration's
 * error search and fake quantization's clip mask, which need it per value.
 */
final class StaticActivations {
    static final int MAX_CODE = 127;

    private StaticActivations() {}

    static byte code(float v, float scale) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("cannot quantize non-finite activation " + v
                    + "; clean the input (NaN/Inf) before quantizing");
        }
        double r = Math.rint(v / scale);
        return (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, r));
    }

    /** Whether {@code v} is representable without clipping at {@code scale}. */
    static boolean inside(float v, float scale) {
        return Math.abs(Math.rint(v / scale)) <= MAX_CODE;
    }
}
