package dev.joule.kernel.sparse;

/**
 * A weight matrix {@code [rows = out, cols = in]} stored as dense {@code blockRows × blockCols}
 * blocks, for moderate sparsity from block pruning. The default 4 × 16 block is one 512-bit
 * vector wide, so a batch-1 block is four vector FMAs against one load of the input, and a
 * batched block reuses each input row across four outputs.
 *
 * <pre>
 *   stripe s = output rows [s·R, s·R + R)          (R = blockRows, C = blockCols)
 *   its blocks are k in [stripeStart[s], stripeStart[s + 1]), inputs ascending:
 *       block k covers inputs [blockCol[k], blockCol[k] + C)      (blockCol a multiple of C)
 *       W[s·R + r, blockCol[k] + c] = values[(k·R + r)·C + c]     r < R, c < C
 *   edge blocks past the last row or column hold zeros there; kernels never touch those positions
 * </pre>
 */
public final class BlockSparseMatrix implements SparseMatrix {
    private final int rows;
    private final int cols;
    private final int blockRows;
    private final int blockCols;
    private final int[] stripeStart;
    private final int[] blockCol;
    private final float[] values;

    /** Wraps the arrays (not copied) after checking them. */
    public BlockSparseMatrix(int rows, int cols, int blockRows, int blockCols,
                             int[] stripeStart, int[] blockCol, float[] values) {
        SparseChecks.dims("BlockSparseMatrix", rows, cols);
        if (blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("BlockSparseMatrix: block must be at least 1 x 1, got "
                    + blockRows + " x " + blockCols);
        }
        int stripes = (rows + blockRows - 1) / blockRows;
        if (stripeStart.length != stripes + 1 || stripeStart[0] != 0) {
            throw new IllegalArgumentException("BlockSparseMatrix: stripeStart needs " + (stripes + 1)
                    + " entries starting at 0, got " + stripeStart.length);
        }
        int blocks = stripeStart[stripes];
        if (blockCol.length != blocks || values.length != (long) blocks * blockRows * blockCols) {
            throw new IllegalArgumentException("BlockSparseMatrix: " + blocks + " blocks need " + blocks
                    + " block columns and " + (long) blocks * blockRows * blockCols + " values, got "
                    + blockCol.length + " and " + values.length);
        }
        for (int s = 0; s < stripes; s++) {
            for (int k = stripeStart[s]; k < stripeStart[s + 1]; k++) {
                int c = blockCol[k];
                if (c < 0 || c >= cols || c % blockCols != 0 || (k > stripeStart[s] && c <= blockCol[k - 1])) {
                    throw new IllegalArgumentException("BlockSparseMatrix: stripe " + s + " block column " + c
                            + " must be a multiple of " + blockCols + " in [0, " + cols + "), ascending");
                }
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.blockRows = blockRows;
        this.blockCols = blockCols;
        this.stripeStart = stripeStart;
        this.blockCol = blockCol;
        this.values = values;
    }

    /**
     * Keeps every {@code blockRows × blockCols} block of the row-major matrix at {@code w[wOff ...]}
     * that holds an entry with magnitude above {@code threshold} (0: any nonzero), whole.
     */
    public static BlockSparseMatrix fromDense(float[] w, int wOff, int rows, int cols,
                                              int blockRows, int blockCols, float threshold) {
        SparseChecks.dims("BlockSparseMatrix", rows, cols);
        SparseChecks.window("BlockSparseMatrix weights", w.length, wOff, (long) rows * cols);
        if (blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("BlockSparseMatrix: block must be at least 1 x 1, got "
                    + blockRows + " x " + blockCols);
        }
        int stripes = (rows + blockRows - 1) / blockRows;
        int[] stripeStart = new int[stripes + 1];
        int[] colsTmp = new int[stripes * ((cols + blockCols - 1) / blockCols)];
        int blocks = 0;
        for (int s = 0; s < stripes; s++) {
            for (int c0 = 0; c0 < cols; c0 += blockCols) {
                if (blockKept(w, wOff, rows, cols, s * blockRows, c0, blockRows, blockCols, threshold)) {
                    colsTmp[blocks++] = c0;
                }
            }
            stripeStart[s + 1] = blocks;
        }
        int[] blockCol = java.util.Arrays.copyOf(colsTmp, blocks);
        float[] values = new float[blocks * blockRows * blockCols];
        for (int s = 0; s < stripes; s++) {
            for (int k = stripeStart[s]; k < stripeStart[s + 1]; k++) {
                for (int r = 0; r < blockRows && s * blockRows + r < rows; r++) {
                    int src = wOff + (s * blockRows + r) * cols + blockCol[k];
                    int len = Math.min(blockCols, cols - blockCol[k]);
                    System.arraycopy(w, src, values, (k * blockRows + r) * blockCols, len);
                }
            }
        }
        return new BlockSparseMatrix(rows, cols, blockRows, blockCols, stripeStart, blockCol, values);
    }

    private static boolean blockKept(float[] w, int wOff, int rows, int cols, int r0, int c0,
                                     int blockRows, int blockCols, float threshold) {
        for (int r = r0; r < Math.min(rows, r0 + blockRows); r++) {
            for (int c = c0; c < Math.min(cols, c0 + blockCols); c++) {
                if (Math.abs(w[wOff + r * cols + c]) > threshold) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    public int blockRows() {
        return blockRows;
    }

    public int blockCols() {
        return blockCols;
    }

    /** Stored blocks. */
    public int blocks() {
        return blockCol.length;
    }

    /** Block pointers per stripe of {@code blockRows} outputs (the backing array). */
    public int[] stripeStart() {
        return stripeStart;
    }

    /** First input column of each block (the backing array). */
    public int[] blockCol() {
        return blockCol;
    }

    /** Block values, {@code [blocks][blockRows][blockCols]} (the backing array). */
    public float[] values() {
        return values;
    }

    /** Stored weights, zeros inside kept blocks included (what the kernels multiply, edge padding aside). */
    @Override
    public long nnz() {
        return (long) values.length;
    }

    @Override
    public String format() {
        return "block " + blockRows + "x" + blockCols;
    }

    @Override
    public long storageBytes() {
        return 4L * (values.length + blockCol.length + stripeStart.length);
    }

    @Override
    public float[] toDense() {
        float[] w = new float[rows * cols];
        int stripes = stripeStart.length - 1;
        for (int s = 0; s < stripes; s++) {
            for (int k = stripeStart[s]; k < stripeStart[s + 1]; k++) {
                for (int r = 0; r < blockRows && s * blockRows + r < rows; r++) {
                    int len = Math.min(blockCols, cols - blockCol[k]);
                    System.arraycopy(values, (k * blockRows + r) * blockCols, w,
                            (s * blockRows + r) * cols + blockCol[k], len);
                }
            }
        }
        return w;
    }

    @Override
    public String toString() {
        return "BlockSparseMatrix[" + format() + ", " + rows + " x " + cols + ", " + blocks() + " blocks]";
    }
}
