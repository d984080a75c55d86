package dev.joule.compress.quant;

import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;

/**
 * The inference forms of quantized layers, built from their matrices. Everything the compression code
 * attaches for a quantized layer comes from here, so the checkpoint loader rebuilds exactly the form the
 * quantizer attached.
 */
public final class QuantForms {
    private QuantForms() {}

    /**
     * The form that runs {@code scheme}: {@code int8} for the int8 schemes, {@code int4} for
     * {@link QuantScheme#INT4_WEIGHT}; {@code activationScale} is used by {@link QuantScheme#W8A8_STATIC} only.
     */
    public static LinearWeights of(QuantScheme scheme, Int8Matrix int8, Int4Matrix int4, float activationScale) {
        return switch (scheme) {
            case W8A8 -> Int8Weights.w8a8(int8);
            case W8A8_STATIC -> Int8Weights.w8a8Static(int8, activationScale);
            case INT8_WEIGHT -> Int8Weights.weightOnly(int8);
            case INT4_WEIGHT -> Int4Weights.weightOnly(int4);
        };
    }
}
