package dev.joule.kernel.quant;

/**
 * A weight matrix quantized to int8 with one symmetric scale per output channel (row).
 *
 * <p>Layout: {@code q} is row-major {@code [rows = out, cols = in]}, one byte per weight, so the
 * reduction dimension is contiguous and a matrix-vector product is one dot product per output, read
 * along memory. Weight {@code (o, i)} is {@code scales[o] · q[o · cols + i]}.
 *
 * <p>Quantization: {@code scale = max|w[o, :]| / 127} (ORT/llama.cpp convention, not PyTorch's
 * 127.5), {@code q = clamp(rint(w / scale), -127, 127)}: round half to even ({@link Math#rint}),
 * and {@code -128} is never produced, so a product of two codes is at most {@code 127² = 16129}
 * in magnitude and an int32 sum of up to {@link #MAX_COLS} of them cannot overflow. An all-zero
 * row gets scale 0 and codes 0.
 */
public final class Int8Matrix {
    /** The largest reduction length whose int32 sum of int8 products cannot overflow: 2^31 / 127². */
    public static final int MAX_COLS = Integer.MAX_VALUE / (127 * 127);

    private final int rows;
    private final int cols;
    private final byte[] q;
    private final float[] scales;

    /** Wraps codes and scales (not copied); codes must lie in {@code [-127, 127]}. */
    public Int8Matrix(int rows, int cols, byte[] q, float[] scales) {
        QuantChecks.dims("Int8Matrix", rows, cols, MAX_COLS);
        QuantChecks.length("Int8Matrix codes", (long) rows * cols, q.length);
        QuantChecks.length("Int8Matrix scales", rows, scales.length);
        for (int i = 0; i < q.length; i++) {
            if (q[i] == Byte.MIN_VALUE) {
                throw new IllegalArgumentException("Int8Matrix code " + i + " is -128; symmetric int8 codes "
                        + "must lie in [-127, 127] (quantize with Int8Matrix.quantize)");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.q = q;
        this.scales = scales;
    }

    /** Quantizes the row-major {@code rows × cols} matrix at {@code w[wOff ...]} per row. */
    public static Int8Matrix quantize(float[] w, int wOff, int rows, int cols) {
        QuantChecks.dims("Int8Matrix", rows, cols, MAX_COLS);
        QuantChecks.window("weights", w.length, wOff, (long) rows * cols);
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows];
        for (int o = 0; o < rows; o++) {
            scales[o] = SymmetricInt8.quantizeRow(w, wOff + o * cols, cols, q, o * cols);
        }
        return new Int8Matrix(rows, cols, q, scales);
    }

    /** The f32 matrix these codes stand for, row-major {@code rows × cols}. */
    public float[] dequantize() {
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                w[o * cols + i] = scales[o] * q[o * cols + i];
            }
        }
        return w;
    }

    /** Output channels. */
    public int rows() {
        return rows;
    }

    /** Input features (the reduction length). */
    public int cols() {
        return cols;
    }

    /** The codes, row-major (shared, not copied). */
    public byte[] codes() {
        return q;
    }

    /** One scale per row (shared, not copied). */
    public float[] scales() {
        return scales;
    }

    /** Bytes of storage: codes plus scales. */
    public long sizeBytes() {
        return (long) q.length + 4L * scales.length;
    }
}
