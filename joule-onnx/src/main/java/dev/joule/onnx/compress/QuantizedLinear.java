package dev.joule.onnx.compress;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.quant.QuantKernels;

/**
 * An imported layer's weight quantized with Joule's kernels ({@link QuantKernels}): W8A8 (int8
 * per-channel weights, int8 activations quantized per row on every call, exact int32 sums), int8
 * weight-only or int4 weight-only (blocks of 32), activations in f32 for the last two.
 */
public final class QuantizedLinear implements LinearWeights {
    /** How the weight and the activations are stored. */
    public enum Scheme { W8A8, INT8_WEIGHT, INT4_WEIGHT }

    private final Scheme scheme;
    private final Int8Matrix int8;
    private final Int4Matrix int4;
    private final int out;
    private final int in;

    private QuantizedLinear(Scheme scheme, Int8Matrix int8, Int4Matrix int4, int out, int in) {
        this.scheme = scheme;
        this.int8 = int8;
        this.int4 = int4;
        this.out = out;
        this.in = in;
    }

    /** Quantizes {@code w [out, in]} row-major (per output channel; int4 in blocks of 32 along in). */
    public static QuantizedLinear quantize(Scheme scheme, float[] w, int out, int in) {
        return scheme == Scheme.INT4_WEIGHT
                ? new QuantizedLinear(scheme, null, Int4Matrix.quantize(w, 0, out, in), out, in)
                : new QuantizedLinear(scheme, Int8Matrix.quantize(w, 0, out, in), null, out, in);
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
        QuantKernels q = QuantKernels.get();
        switch (scheme) {
            case W8A8 -> q.gemmW8A8(q.quantizeActivations(x, xOff, new Int8Activations(rows, in)), int8, y, yOff);
            case INT8_WEIGHT -> q.gemmInt8Weights(x, xOff, rows, int8, y, yOff);
            case INT4_WEIGHT -> q.gemmInt4Weights(x, xOff, rows, int4, y, yOff);
        }
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The int8 codes and per-row scales (W8A8 and int8 weight-only), or null for int4. */
    public Int8Matrix int8() {
        return int8;
    }

    @Override
    public String format() {
        return switch (scheme) {
            case W8A8 -> "int8 w8a8 per-channel";
            case INT8_WEIGHT -> "int8 weight-only per-channel";
            case INT4_WEIGHT -> "int4 weight-only block 32";
        };
    }

    @Override
    public String kernel() {
        return QuantKernels.get().name();
    }

    @Override
    public long storedBytes() {
        return int8 != null ? int8.sizeBytes() : int4.sizeBytes();
    }

    @Override
    public long macsPerRow() {
        return (long) out * in;
    }

    @Override
    public float[] toDense() {
        return int8 != null ? int8.dequantize() : int4.dequantize();
    }
}
