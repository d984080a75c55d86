package dev.joule.compress.quant;

/**
 * How a linear layer is quantized. Weights are always symmetric: int8 per output channel
 * ({@code scale = amax / 127}) or int4 per block of 32 inputs ({@code scale = amax / 7}), rounded half
 * to even, as {@link dev.joule.kernel.quant.Int8Matrix} and {@link dev.joule.kernel.quant.Int4Matrix} do.
 */
public enum QuantScheme {
    /** int8 weights, int8 activations quantized per input row at run time (own scale per row), int32 sums. */
    W8A8("w8a8"),
    /** int8 weights, int8 activations with one calibrated scale for every row ({@link Calibration}); values beyond clip. */
    W8A8_STATIC("w8a8-static"),
    /** int8 weights, f32 activations. */
    INT8_WEIGHT("int8-weight"),
    /** int4 weights in blocks of 32, f32 activations. */
    INT4_WEIGHT("int4-weight");

    private final String id;

    QuantScheme(String id) {
        this.id = id;
    }

    /** The name used in config.json and reports. */
    public String id() {
        return id;
    }

    /** Whether the weights are int8 (otherwise int4). */
    public boolean int8Weights() {
        return this != INT4_WEIGHT;
    }

    /** Whether activations are quantized too. */
    public boolean quantizesActivations() {
        return this == W8A8 || this == W8A8_STATIC;
    }

    /** The scheme named {@code id} ({@link #id()}). */
    public static QuantScheme parse(String id) {
        for (QuantScheme s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown quantization scheme '" + id + "'; expected one of w8a8, w8a8-static,"
                + " int8-weight, int4-weight");
    }
}
