package dev.joule.kernel.quant;

/**
 * A weight-only int4 matrix: each row of {@code in} weights is cut into blocks of {@link #BLOCK} = 32
 * along the input dimension; each block has one symmetric f32 scale ({@code scale = max|w| / 7}, no
 * minimum/zero point) and 32 codes {@code c = clamp(rint(w / scale), -7, 7)} (half to even).
 * A code is stored as the nibble {@code c + 8} (1..15; nibble 0 would decode to -8 and is never
 * written). Weight {@code (o, i)} is {@code scale · (nibble − 8)}.
 *
 * <p>Packing: a block is 16 bytes; byte {@code j} holds element {@code j} in its low nibble and
 * element {@code j + 16} in its high nibble (llama.cpp's Q4_0 order, not interleaved pairs), so
 * masking a vector of bytes gives elements 0..15 in order and shifting gives 16..31:
 * <pre>
 *   block b of row o:   packed[(o · blocksPerRow + b) · 16 + j],  j = 0..15
 *
 *        bit 7      4 3      0
 *   byte j: [ e(j+16) | e(j)  ]      e(k) = nibble of element b·32 + k
 *
 *   byte:    0        1        ...  15
 *   low:    e0       e1       ...  e15
 *   high:   e16      e17      ...  e31
 * </pre>
 * Scales are {@code scales[o · blocksPerRow + b]}. When {@code in} is not a multiple of 32 the last
 * block of each row is padded with code 0 (nibble 8), which adds nothing to a dot product.
 */
public final class Int4Matrix {
    /** Elements per block (one scale each). */
    public static final int BLOCK = 32;
    /** Packed bytes per block. */
    public static final int BLOCK_BYTES = BLOCK / 2;
    static final int MAX_CODE = 7;
    static final int ZERO_NIBBLE = 8;

    private final int rows;
    private final int cols;
    private final int blocksPerRow;
    private final byte[] packed;
    private final float[] scales;

    /** Wraps packed nibbles and block scales (not copied). */
    public Int4Matrix(int rows, int cols, byte[] packed, float[] scales) {
        QuantChecks.dims("Int4Matrix", rows, cols, Integer.MAX_VALUE);
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = (cols + BLOCK - 1) / BLOCK;
        QuantChecks.length("Int4Matrix packed bytes", (long) rows * blocksPerRow * BLOCK_BYTES, packed.length);
        QuantChecks.length("Int4Matrix block scales", (long) rows * blocksPerRow, scales.length);
        this.packed = packed;
        this.scales = scales;
    }

    /** Quantizes the row-major {@code rows × cols} matrix at {@code w[wOff ...]} block by block. */
    public static Int4Matrix quantize(float[] w, int wOff, int rows, int cols) {
        QuantChecks.dims("Int4Matrix", rows, cols, Integer.MAX_VALUE);
        QuantChecks.window("weights", w.length, wOff, (long) rows * cols);
        int blocks = (cols + BLOCK - 1) / BLOCK;
        byte[] packed = new byte[rows * blocks * BLOCK_BYTES];
        float[] scales = new float[rows * blocks];
        int[] codes = new int[BLOCK];
        for (int o = 0; o < rows; o++) {
            for (int b = 0; b < blocks; b++) {
                int from = o * cols + b * BLOCK;
                int len = Math.min(BLOCK, cols - b * BLOCK);
                float scale = quantizeBlock(w, wOff + from, len, codes);
                scales[o * blocks + b] = scale;
                int base = (o * blocks + b) * BLOCK_BYTES;
                for (int j = 0; j < BLOCK_BYTES; j++) {
                    packed[base + j] = (byte) ((codes[j] + ZERO_NIBBLE) | ((codes[j + BLOCK_BYTES] + ZERO_NIBBLE) << 4));
                }
            }
        }
        return new Int4Matrix(rows, cols, packed, scales);
    }

    /** Codes in -7..7 for {@code len <= 32} values (the rest 0); returns the block scale. */
    private static float quantizeBlock(float[] w, int off, int len, int[] codes) {
        java.util.Arrays.fill(codes, 0);
        float amax = 0f;
        for (int i = 0; i < len; i++) {
            float v = w[off + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("cannot quantize non-finite weight " + v + " at index "
                        + (off + i) + "; clean the weights before quantizing");
            }
            amax = Math.max(amax, Math.abs(v));
        }
        float scale = amax / MAX_CODE;
        if (scale == 0f) {
            return 0f;
        }
        for (int i = 0; i < len; i++) {
            double r = Math.rint(w[off + i] / scale);
            codes[i] = (int) Math.max(-MAX_CODE, Math.min(MAX_CODE, r));
        }
        return scale;
    }

    /** The code (-8..7) of element {@code (o, i)}. */
    public int code(int o, int i) {
        int b = i / BLOCK;
        int k = i % BLOCK;
        int v = packed[(o * blocksPerRow + b) * BLOCK_BYTES + (k % BLOCK_BYTES)];
        int nibble = k < BLOCK_BYTES ? (v & 0xF) : ((v >> 4) & 0xF);
        return nibble - ZERO_NIBBLE;
    }

    /** The f32 matrix these codes stand for, row-major {@code rows × cols}. */
    public float[] dequantize() {
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                w[o * cols + i] = scales[o * blocksPerRow + i / BLOCK] * code(o, i);
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

    /** Blocks per row: {@code ceil(cols / 32)}. */
    public int blocksPerRow() {
        return blocksPerRow;
    }

    /** The packed nibbles (shared, not copied); see the class comment for the layout. */
    public byte[] packed() {
        return packed;
    }

    /** One scale per block, row-major {@code [rows, blocksPerRow]} (shared, not copied). */
    public float[] scales() {
        return scales;
    }

    /** Bytes of storage: nibbles plus scales. */
    public long sizeBytes() {
        return (long) packed.length + 4L * scales.length;
    }
}
