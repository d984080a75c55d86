package dev.joule.onnx.compress;

import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;

/**
 * Quantizes an imported layer's weight into one of the engine's quantized forms (ADR 0012): W8A8 (int8
 * per-channel weights, int8 activations quantized per row on every call, exact int32 sums; the native
 * VNNI kernel where the machine has one), int8 weight-only or int4 weight-only (blocks of 32), activations
 * in f32 for the last two. The same forms run the zoo's compressed models, so MiniLM and they share kernels.
 */
public final class QuantizedLinear {
    /** How the weight and the activations are stored. */
    public enum Scheme { W8A8, INT8_WEIGHT, INT4_WEIGHT }

    private QuantizedLinear() {}

    /** Quantizes {@code w [out, in]} row-major (per output channel; int4 in blocks of 32 along in). */
    public static LinearWeights quantize(Scheme scheme, float[] w, int out, int in) {
        return switch (scheme) {
            case W8A8 -> Int8Weights.w8a8(Int8Matrix.quantize(w, 0, out, in));
            case INT8_WEIGHT -> Int8Weights.weightOnly(Int8Matrix.quantize(w, 0, out, in));
            case INT4_WEIGHT -> Int4Weights.weightOnly(Int4Matrix.quantize(w, 0, out, in));
        };
    }
}
