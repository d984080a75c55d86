package dev.joule.kernel.sparse;

import java.util.Arrays;

/**
 * A sparse weight matrix {@code [rows = out, cols = in]} in compressed sparse row form, for high
 * sparsity (unstructured pruning).
 *
 * <pre>
 *   row o's nonzeros are k in [rowStart[o], rowStart[o + 1]):
 *       W[o, columns[k]] = values[k]        columns ascending within a row
 *   rowStart: int[rows + 1]   columns: int[nnz]   values: float[nnz]   (8 bytes per nonzero)
 * </pre>
 *
 * Column indices are {@code int} because the Vector API's gather ({@code fromArray} with an index
 * map) takes an {@code int[]}. An empty row has {@code rowStart[o] == rowStart[o + 1]}.
 */
public final class CsrMatrix implements SparseMatrix {
    private final int rows;
    private final int cols;
    private final int[] rowStart;
    private final int[] columns;
    private final float[] values;

    /** Wraps the arrays (not copied) after checking that they describe a valid CSR matrix. */
    public CsrMatrix(int rows, int cols, int[] rowStart, int[] columns, float[] values) {
        SparseChecks.dims("CsrMatrix", rows, cols);
        if (rowStart.length != rows + 1 || rowStart[0] != 0) {
            throw new IllegalArgumentException("CsrMatrix: rowStart must have rows + 1 = " + (rows + 1)
                    + " entries starting at 0, got " + rowStart.length + " entries");
        }
        int nnz = rowStart[rows];
        if (columns.length != nnz || values.length != nnz) {
            throw new IllegalArgumentException("CsrMatrix: rowStart ends at " + nnz + " nonzeros but columns has "
                    + columns.length + " and values " + values.length);
        }
        for (int o = 0; o < rows; o++) {
            if (rowStart[o + 1] < rowStart[o]) {
                throw new IllegalArgumentException("CsrMatrix: rowStart decreases at row " + o
                        + " (" + rowStart[o] + " then " + rowStart[o + 1] + "); it must be non-decreasing");
            }
        }
        for (int o = 0; o < rows; o++) {
            for (int k = rowStart[o]; k < rowStart[o + 1]; k++) {
                int c = columns[k];
                if (c < 0 || c >= cols || (k > rowStart[o] && c <= columns[k - 1])) {
                    throw new IllegalArgumentException("CsrMatrix: row " + o + " column " + c + " at " + k
                            + " is out of [0, " + cols + ") or not ascending");
                }
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.columns = columns;
        this.values = values;
    }

    /**
     * Keeps the entries of the row-major {@code rows × cols} matrix at {@code w[wOff ...]} (leading
     * dimension {@code cols}) whose magnitude is above {@code threshold}; 0 keeps every nonzero.
     */
    public static CsrMatrix fromDense(float[] w, int wOff, int rows, int cols, float threshold) {
        SparseChecks.dims("CsrMatrix", rows, cols);
        SparseChecks.window("CsrMatrix weights", w.length, wOff, (long) rows * cols);
        int[] rowStart = new int[rows + 1];
        for (int o = 0; o < rows; o++) {
            int count = 0;
            for (int i = 0, at = wOff + o * cols; i < cols; i++, at++) {
                if (Math.abs(w[at]) > threshold) {
                    count++;
                }
            }
            rowStart[o + 1] = rowStart[o] + count;
        }
        int[] columns = new int[rowStart[rows]];
        float[] values = new float[rowStart[rows]];
        int k = 0;
        for (int o = 0; o < rows; o++) {
            for (int i = 0, at = wOff + o * cols; i < cols; i++, at++) {
                if (Math.abs(w[at]) > threshold) {
                    columns[k] = i;
                    values[k++] = w[at];
                }
            }
        }
        return new CsrMatrix(rows, cols, rowStart, columns, values);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public long nnz() {
        return rowStart[rows];
    }

    @Override
    public String format() {
        return "csr";
    }

    @Override
    public long storageBytes() {
        return 4L * (rowStart.length + columns.length + values.length);
    }

    /** Row pointers, {@code int[rows + 1]} (the backing array: do not modify). */
    public int[] rowStart() {
        return rowStart;
    }

    /** Column of each nonzero (the backing array). */
    public int[] columns() {
        return columns;
    }

    /** Value of each nonzero (the backing array). */
    public float[] values() {
        return values;
    }

    @Override
    public float[] toDense() {
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int k = rowStart[o]; k < rowStart[o + 1]; k++) {
                w[o * cols + columns[k]] = values[k];
            }
        }
        return w;
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + " x " + cols + ", nnz " + nnz() + ", density "
                + String.format(java.util.Locale.ROOT, "%.4f", density()) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsrMatrix m && m.rows == rows && m.cols == cols
                && Arrays.equals(m.rowStart, rowStart) && Arrays.equals(m.columns, columns)
                && Arrays.equals(m.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(columns) + Arrays.hashCode(values);
    }
}
