package dev.joule.kernel.sparse;

/**
 * A weight matrix {@code [rows = out, cols = in]} with N:M structured sparsity along the input
 * dimension: in every group of {@code m} consecutive inputs of a row, {@code n} weights are kept
 * (2:4 is the common case; 1:4, 1:8 ... give lower densities with the same layout).
 *
 * <pre>
 *   row o, group g covers inputs [g·m, min(g·m + m, cols)); it keeps min(n, group length) weights
 *   kept weight t of row o (t = 0 .. keptPerRow):
 *       values[o · keptPerRow + t]                          the weight
 *       offsets[o · keptPerRow + t]  (byte, 0 .. m - 1)     its position inside its group, ascending
 *   storage: 4 bytes + 1 byte per kept weight (2:4: 10 bytes per group of 4 instead of 16)
 * </pre>
 *
 * Every row keeps the same number of weights, so the kernels need no row pointers and parallel
 * rows are perfectly balanced. The kernels read {@link #columns()}, the absolute input index of
 * each kept weight, expanded once from the offsets (the Vector API's gather takes an {@code int[]}).
 * Kept weights may be zero when a group had fewer than {@code n} nonzeros.
 */
public final class NmMatrix implements SparseMatrix {
    private final int rows;
    private final int cols;
    private final int n;
    private final int m;
    private final int keptPerRow;
    private final float[] values;
    private final byte[] offsets;
    private final int[] columns;

    /** Wraps values and offsets (not copied) after checking them. */
    public NmMatrix(int rows, int cols, int n, int m, float[] values, byte[] offsets) {
        SparseChecks.dims("NmMatrix", rows, cols);
        if (m < 1 || m > 127 || n < 1 || n > m) {
            throw new IllegalArgumentException("NmMatrix: need 1 <= n <= m <= 127, got " + n + ":" + m);
        }
        this.rows = rows;
        this.cols = cols;
        this.n = n;
        this.m = m;
        this.keptPerRow = keptPerRow(cols, n, m);
        long total = (long) rows * keptPerRow;
        if (values.length != total || offsets.length != total) {
            throw new IllegalArgumentException("NmMatrix " + n + ":" + m + " " + rows + " x " + cols + ": expected "
                    + total + " values and offsets, got " + values.length + " and " + offsets.length);
        }
        this.values = values;
        this.offsets = offsets;
        this.columns = expandColumns();
    }

    /** Kept weights per row: {@code n} per full group, {@code min(n, rest)} in a shorter last group. */
    public static int keptPerRow(int cols, int n, int m) {
        return n * (cols / m) + Math.min(n, cols % m);
    }

    /**
     * Prunes the row-major {@code rows × cols} matrix at {@code w[wOff ...]} to N:M: in each group
     * the {@code n} largest {@code |w|} are kept; ties go to the lower index (so the result is
     * deterministic), NaN counts as largest.
     */
    public static NmMatrix fromDense(float[] w, int wOff, int rows, int cols, int n, int m) {
        SparseChecks.dims("NmMatrix", rows, cols);
        SparseChecks.window("NmMatrix weights", w.length, wOff, (long) rows * cols);
        if (m < 1 || m > 127 || n < 1 || n > m) {
            throw new IllegalArgumentException("NmMatrix: need 1 <= n <= m <= 127, got " + n + ":" + m);
        }
        int kept = keptPerRow(cols, n, m);
        float[] values = new float[rows * kept];
        byte[] offsets = new byte[rows * kept];
        boolean[] keep = new boolean[m];
        for (int o = 0; o < rows; o++) {
            int t = o * kept;
            for (int g0 = 0; g0 < cols; g0 += m) {
                int len = Math.min(m, cols - g0);
                int base = wOff + o * cols + g0;
                selectLargest(w, base, len, Math.min(n, len), keep);
                for (int j = 0; j < len; j++) {
                    if (keep[j]) {
                        values[t] = w[base + j];
                        offsets[t++] = (byte) j;
                    }
                }
            }
        }
        return new NmMatrix(rows, cols, n, m, values, offsets);
    }

    /**
     * Marks in {@code keep[0 .. len)} the {@code count} largest magnitudes of {@code w[base .. base + len)}, lower
     * index first on ties, NaN as largest: the selection of {@link #fromDense}, shared with N:M pruning masks.
     */
    public static void selectLargest(float[] w, int base, int len, int count, boolean[] keep) {
        java.util.Arrays.fill(keep, false);
        for (int c = 0; c < count; c++) {
            int best = -1;
            float bestMag = -1f;
            for (int j = 0; j < len; j++) {
                float mag = Math.abs(w[base + j]);
                if (Float.isNaN(mag)) {
                    mag = Float.POSITIVE_INFINITY;
                }
                if (!keep[j] && mag > bestMag) { // strict: an equal later magnitude does not win
                    best = j;
                    bestMag = mag;
                }
            }
            keep[best] = true;
        }
    }

    private int[] expandColumns() {
        int[] out = new int[values.length];
        for (int o = 0; o < rows; o++) {
            int t = o * keptPerRow;
            for (int g0 = 0; g0 < cols; g0 += m) {
                int len = Math.min(m, cols - g0);
                int prev = -1;
                for (int c = 0; c < Math.min(n, len); c++, t++) {
                    int off = offsets[t];
                    if (off <= prev || off >= len) {
                        throw new IllegalArgumentException("NmMatrix: row " + o + " group at input " + g0
                                + " has offset " + off + "; offsets must ascend within [0, " + len + ")");
                    }
                    prev = off;
                    out[t] = g0 + off;
                }
            }
        }
        return out;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** Kept weights per group. */
    public int n() {
        return n;
    }

    /** Group length. */
    public int m() {
        return m;
    }

    /** Kept weights in every row. */
    public int keptPerRow() {
        return keptPerRow;
    }

    @Override
    public long nnz() {
        return (long) rows * keptPerRow;
    }

    @Override
    public String format() {
        return n + ":" + m;
    }

    /** Values and byte offsets, the stored form (the expanded int columns are a kernel cache). */
    @Override
    public long storageBytes() {
        return 5L * values.length;
    }

    /** The kept weights, row-major {@code [rows, keptPerRow]} (the backing array). */
    public float[] values() {
        return values;
    }

    /** Position of each kept weight inside its group (the backing array). */
    public byte[] offsets() {
        return offsets;
    }

    /** Absolute input index of each kept weight (derived from the offsets; the backing array). */
    public int[] columns() {
        return columns;
    }

    @Override
    public float[] toDense() {
        float[] w = new float[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int t = o * keptPerRow; t < (o + 1) * keptPerRow; t++) {
                w[o * cols + columns[t]] = values[t];
            }
        }
        return w;
    }

    @Override
    public String toString() {
        return "NmMatrix[" + format() + ", " + rows + " x " + cols + "]";
    }
}
