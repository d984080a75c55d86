package dev.joule.compress.quant;

import dev.joule.compress.LinearLayer;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.tensor.Tensor;

/**
 * A layer after {@link Quantizer}: its codes and scales, the form attached to its weight, and the f32
 * matrix it had before (so {@link #revert()} can put a sensitive layer back).
 *
 * @param layer           the probed layer
 * @param scheme          how it was quantized
 * @param int8            the int8 matrix (null for int4)
 * @param int4            the int4 matrix (null for int8)
 * @param activationScale the static activation scale ({@link QuantScheme#W8A8_STATIC}), NaN otherwise
 * @param form            the inference form attached to the weight
 * @param original        the f32 matrix before quantization, {@code [out, in]} row-major
 */
public record QuantizedLayer(LinearLayer layer, QuantScheme scheme, Int8Matrix int8, Int4Matrix int4,
        float activationScale, LinearWeights form, float[] original) {

    public String name() {
        return layer.name();
    }

    /** The dequantized matrix the weight value now holds. */
    public float[] dequantized() {
        return int8 != null ? int8.dequantize() : int4.dequantize();
    }

    /** Bytes of codes and scales (plus 4 for a static activation scale). */
    public long storedBytes() {
        long b = int8 != null ? int8.sizeBytes() : int4.sizeBytes();
        return scheme == QuantScheme.W8A8_STATIC ? b + 4 : b;
    }

    /** Puts the f32 matrix back into the weight and detaches the form. */
    public void revert() {
        layer.weight().value().copyFrom(Tensor.of(original.clone(), layer.out(), layer.in()));
        layer.weight().setInferenceWeights(null);
    }
}
