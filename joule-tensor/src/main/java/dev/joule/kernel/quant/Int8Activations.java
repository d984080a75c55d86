package dev.joule.kernel.quant;

/**
 * A batch of activation rows quantized dynamically to int8, one symmetric scale per row (see
 * {@link SymmetricInt8} for the rounding rule: half to even, codes in {@code [-127, 127]}).
 *
 * <p>Layout: {@code q} is row-major {@code [rows = batch, cols = features]}. The buffer is
 * reusable: {@link #quantize(float[], int)} overwrites it, so a layer allocates it once.
 */
public final class Int8Activations {
    private final int rows;
    private final int cols;
    private final byte[] q;
    private final float[] scales;

    /** An empty (all-zero) buffer for {@code rows × cols} activations. */
    public Int8Activations(int rows, int cols) {
        QuantChecks.dims("Int8Activations", rows, cols, Int8Matrix.MAX_COLS);
        this.rows = rows;
        this.cols = cols;
        this.q = new byte[rows * cols];
        this.scales = new float[rows];
    }

    /** Quantizes the row-major {@code rows × cols} activations at {@code x[xOff ...]} into a new buffer. */
    public static Int8Activations of(float[] x, int xOff, int rows, int cols) {
        return new Int8Activations(rows, cols).quantize(x, xOff);
    }

    /** Overwrites this buffer with the quantized rows at {@code x[xOff ...]}; returns this. */
    public Int8Activations quantize(float[] x, int xOff) {
        QuantChecks.window("activations", x.length, xOff, (long) rows * cols);
        for (int r = 0; r < rows; r++) {
            scales[r] = SymmetricInt8.quantizeRow(x, xOff + r * cols, cols, q, r * cols);
        }
        return this;
    }

    /**
     * Overwrites this buffer with the rows at {@code x[xOff ...]} quantized with one fixed
     * {@code scale} (static quantization with a calibrated activation scale): every row gets that
     * scale, codes are {@code clamp(rint(x / scale), -127, 127)} (half to even, as {@link #quantize}),
     * so values beyond {@code ±127 · scale} clip. Returns this.
     */
    public Int8Activations quantizeWithScale(float[] x, int xOff, float scale) {
        if (!(scale > 0f) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("static activation scale must be finite and > 0, got " + scale
                    + "; calibrate it as max|x| / 127 over representative inputs");
        }
        QuantChecks.window("activations", x.length, xOff, (long) rows * cols);
        for (int r = 0; r < rows; r++) {
            SymmetricInt8.quantizeRowWithScale(x, xOff + r * cols, cols, scale, q, r * cols);
            scales[r] = scale;
        }
        return this;
    }

    /** The f32 values these codes stand for, row-major. */
    public float[] dequantize() {
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                x[r * cols + i] = scales[r] * q[r * cols + i];
            }
        }
        return x;
    }

    /** Batch rows. */
    public int rows() {
        return rows;
    }

    /** Features per row. */
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
}
