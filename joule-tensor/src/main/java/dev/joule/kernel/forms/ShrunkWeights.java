package dev.joule.kernel.forms;

import dev.joule.kernel.PackedMatrix;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import java.util.Arrays;

/**
 * A structurally pruned matrix physically shrunk to the rows and columns that survive: whole output
 * neurons (rows) and whole inputs (columns) removed, so the kept part is a smaller dense matrix
 * {@code W[keptRows, keptCols]} held in any form (f32 {@link DenseWeights}, or int8, int4, sparse:
 * pruning and quantization compose).
 *
 * <pre>
 *   x [rows, in] --gather keptCols--> xs [rows, kc] --small--> ys [rows, kr] --scatter keptRows--> y [rows, out]
 *                                                                       every other output column = 0
 * </pre>
 * The gather is skipped when every column is kept and the scatter when every row is kept. With the
 * pruned rows and columns of the original matrix set to zero, the product equals the dense product
 * on it up to float summation order (the zeros that dense multiplies add nothing).
 * {@link #macsPerRow()} is the small form's ({@code kr · kc} for dense).
 *
 * <p>Consecutive kept columns (rows) are gathered (scattered) as runs; a dropped output column is
 * written once, with 0. A large batch on a gemm-backed small form ({@link DenseWeights},
 * {@link PackedDenseWeights}) runs in row blocks of about 128 KiB of scratch, the blocks split across
 * {@link Parallel}'s threads, with the same results (each row of a gemm is computed on its own); an
 * f32 {@link DenseWeights} small form is then packed into gemm panels once (a second copy of the small
 * weights, made on the first such batch) instead of on every block.
 *
 * <p>Thread safety: the gathered inputs and small outputs live in per-thread scratch arrays that
 * grow to the largest call, so one form may be used from several threads at once.
 */
public final class ShrunkWeights implements LinearWeights {
    private final int out;
    private final int in;
    private final int[] keptRows;
    private final int[] keptCols;
    private final LinearWeights small;
    private final boolean allCols;
    private final boolean allRows;
    /** Runs of consecutive kept columns: first input column and length of each (copied as blocks). */
    private final int[][] colRuns;
    /** Runs of consecutive kept rows: first output column and length of each. */
    private final int[][] rowRuns;
    /** The output columns of the dropped rows, ascending (zeroed one by one when kept runs are short). */
    private final int[] droppedRows;
    /** Whether {@link #small}'s rows are computed independently (gemm), so batches may be cut into row blocks. */
    private final boolean rowIndependent;
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[2][0]);
    /**
     * An f32 {@link DenseWeights} small form packed into gemm panels, made on the first batch cut into
     * blocks: the per-call gemm would pack its weights again for every block. Same results as its gemm.
     */
    private volatile PackedMatrix blockPanels;

    private ShrunkWeights(int out, int in, int[] keptRows, int[] keptCols, LinearWeights small) {
        this.out = out;
        this.in = in;
        this.keptRows = keptRows;
        this.keptCols = keptCols;
        this.small = small;
        this.allCols = keptCols.length == in;
        this.allRows = keptRows.length == out;
        this.colRuns = KeptIndices.runs(keptCols);
        this.rowRuns = KeptIndices.runs(keptRows);
        this.droppedRows = KeptIndices.complement(keptRows, out);
        this.rowIndependent = small instanceof DenseWeights || small instanceof PackedDenseWeights;
    }

    /**
     * Keeps rows {@code keptRows} and columns {@code keptCols} (each strictly increasing, within
     * {@code [0, out)} and {@code [0, in)}) of the row-major {@code [out, in]} matrix as a small f32
     * {@link DenseWeights}; the pruned weights are dropped whatever their values.
     */
    public static ShrunkWeights of(float[] denseOutIn, int out, int in, int[] keptRows, int[] keptCols) {
        FormChecks.denseLength("ShrunkWeights", out, in, denseOutIn);
        KeptIndices.check("keptRows", keptRows, out);
        KeptIndices.check("keptCols", keptCols, in);
        int kr = keptRows.length, kc = keptCols.length;
        float[] w = new float[kr * kc];
        for (int r = 0; r < kr; r++) {
            int src = keptRows[r] * in;
            for (int c = 0; c < kc; c++) {
                w[r * kc + c] = denseOutIn[src + keptCols[c]];
            }
        }
        return of(out, in, keptRows, keptCols, new DenseWeights(kr, kc, w));
    }

    /**
     * Wraps an already-built form of the small matrix {@code [keptRows.length, keptCols.length]}
     * (e.g. {@link Int8Weights} of it), so that int8 and structured pruning compose.
     */
    public static ShrunkWeights of(int out, int in, int[] keptRows, int[] keptCols, LinearWeights small) {
        KeptIndices.check("keptRows", keptRows, out);
        KeptIndices.check("keptCols", keptCols, in);
        if (small.outFeatures() != keptRows.length || small.inFeatures() != keptCols.length) {
            throw new IllegalArgumentException("ShrunkWeights: the small form is [" + small.outFeatures() + ", "
                    + small.inFeatures() + "] but " + keptRows.length + " kept rows × " + keptCols.length
                    + " kept columns need [" + keptRows.length + ", " + keptCols.length + "]");
        }
        return new ShrunkWeights(out, in, keptRows.clone(), keptCols.clone(), small);
    }

    /** The kept output rows, ascending (a copy). */
    public int[] keptRows() {
        return keptRows.clone();
    }

    /** The kept input columns, ascending (a copy). */
    public int[] keptCols() {
        return keptCols.clone();
    }

    /** The number of kept rows (no copy). */
    public int keptRowCount() {
        return keptRows.length;
    }

    /** The number of kept columns (no copy). */
    public int keptColCount() {
        return keptCols.length;
    }

    /** Whether this form keeps exactly the rows {@code rows} (ascending). */
    public boolean keepsRows(int[] rows) {
        return Arrays.equals(keptRows, rows);
    }

    @Override
    public ShrunkWeights shrunk() {
        return this;
    }

    /** The form of the small {@code [keptRows, keptCols]} matrix. */
    public LinearWeights small() {
        return small;
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
        FormChecks.multiply("ShrunkWeights", out, in, x, xOff, rows, y, yOff);
        int kr = keptRows.length, kc = keptCols.length;
        if (rows == 0) {
            return;
        }
        if (kr == 0 || kc == 0) {
            Arrays.fill(y, yOff, yOff + rows * out, 0f);
            return;
        }
        int blocks = rowBlocks(rows);
        if (blocks <= 1) {
            multiplyRows(x, xOff, rows, y, yOff, null);
            return;
        }
        PackedMatrix panels = small instanceof DenseWeights ? blockPanels() : null;
        // Gather, small product and scatter block by block, the blocks split across threads: the
        // gathered and small outputs stay in cache, and gather and scatter run in parallel too.
        Parallel.parallelFor(blocks, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int r0 = (int) ((long) rows * b / blocks);
                int r1 = (int) ((long) rows * (b + 1) / blocks);
                multiplyRows(x, xOff + r0 * in, r1 - r0, y, yOff + r0 * out, panels);
            }
        });
    }

    /**
     * How many row blocks a batch of {@code rows} is cut into (1: not cut). Only for a gemm-backed small
     * form, whose rows do not depend on each other, and only where every block stays on the same gemm
     * path as the whole batch (two rows or more, above the tiny-product size), so results are unchanged.
     */
    private int rowBlocks(int rows) {
        if (!BLOCKS || !rowIndependent || (allCols && allRows)) {
            return 1;
        }
        int kr = keptRows.length, kc = keptCols.length;
        // Gathered inputs and small outputs of one block: about 128 KiB, within L2.
        int blockRows = Math.max(16, (BLOCK_FLOATS / (kr + kc)) / 6 * 6);
        int blocks = rows / blockRows;
        if (blocks < 2 || (long) (rows / blocks) * kr * kc <= MIN_BLOCK_MACS) {
            return 1;
        }
        return blocks;
    }

    private static final int BLOCK_FLOATS = 1 << 15;
    /** {@code -Djoule.shrunk.blocks=false}: whole batches in one small product (for measurements). */
    private static final boolean BLOCKS = Boolean.parseBoolean(System.getProperty("joule.shrunk.blocks", "true"));
    /** Above the gemm's tiny-product size (512 MACs), with margin: smaller products take scalar loops. */
    private static final long MIN_BLOCK_MACS = 4096;

    private PackedMatrix blockPanels() {
        PackedMatrix p = blockPanels;
        if (p == null) {
            int kr = keptRows.length, kc = keptCols.length;
            // The small matrix is [kr, kc] row-major: op(B) = its transpose, as DenseWeights multiplies.
            p = PackedMatrix.pack(true, small.toDense(), 0, kc, kc, kr);
            blockPanels = p;
        }
        return p;
    }

    /** Gather, small product ({@code panels} when given, else {@link #small}), scatter for one run of rows. */
    private void multiplyRows(float[] x, int xOff, int rows, float[] y, int yOff, PackedMatrix panels) {
        int kr = keptRows.length, kc = keptCols.length;
        float[][] s = scratch.get();
        float[] xs = x;
        int xsOff = xOff;
        if (!allCols) {
            xs = s[0] = grow(s[0], rows * kc);
            xsOff = 0;
            gather(x, xOff, rows, xs);
        }
        if (allRows) {
            smallProduct(panels, xs, xsOff, rows, y, yOff);
        } else {
            float[] ys = s[1] = grow(s[1], rows * kr);
            smallProduct(panels, xs, xsOff, rows, ys, 0);
            scatter(ys, rows, y, yOff);
        }
        long moved = (allCols ? 0 : 8L * rows * kc) + (allRows ? 0 : 4L * rows * (kr + out));
        OpCounter.record(0, 0, moved);
    }

    private void smallProduct(PackedMatrix panels, float[] xs, int xsOff, int rows, float[] ys, int ysOff) {
        if (panels == null) {
            small.multiply(xs, xsOff, rows, ys, ysOff);
        } else {
            panels.multiply(rows, xs, xsOff, keptCols.length, 0f, ys, ysOff, keptRows.length);
        }
    }

    private static float[] grow(float[] a, int length) {
        return a.length >= length ? a : new float[length];
    }

    /** Runs this long or longer are copied with {@link System#arraycopy}; shorter ones element by element. */
    private static final int COPY_RUN = 8;

    private void gather(float[] x, int xOff, int rows, float[] xs) {
        int kc = keptCols.length;
        int[] starts = colRuns[0], lengths = colRuns[1];
        if (starts.length * COPY_RUN > kc) {
            // Short runs (scattered kept columns): one indexed load each beats a loop per run.
            for (int b = 0; b < rows; b++) {
                int src = xOff + b * in;
                int dst = b * kc;
                for (int c = 0; c < kc; c++) {
                    xs[dst + c] = x[src + keptCols[c]];
                }
            }
            return;
        }
        for (int b = 0; b < rows; b++) {
            int src = xOff + b * in;
            int dst = b * kc;
            for (int r = 0; r < starts.length; r++) {
                int s = src + starts[r], len = lengths[r];
                if (len >= COPY_RUN) {
                    System.arraycopy(x, s, xs, dst, len);
                } else {
                    for (int i = 0; i < len; i++) {
                        xs[dst + i] = x[s + i];
                    }
                }
                dst += len;
            }
        }
    }

    /** Kept rows copied in runs, each dropped one written once with 0 (no fill of the whole output first). */
    private void scatter(float[] ys, int rows, float[] y, int yOff) {
        int kr = keptRows.length;
        int[] starts = rowRuns[0], lengths = rowRuns[1];
        if (starts.length * COPY_RUN > kr) {
            // Short runs: indexed stores of the kept outputs, then of zeros into the dropped ones.
            for (int b = 0; b < rows; b++) {
                int dst = yOff + b * out;
                int src = b * kr;
                for (int r = 0; r < kr; r++) {
                    y[dst + keptRows[r]] = ys[src + r];
                }
                for (int d : droppedRows) {
                    y[dst + d] = 0f;
                }
            }
            return;
        }
        for (int b = 0; b < rows; b++) {
            int dst = yOff + b * out;
            int src = b * kr;
            int done = 0;
            for (int r = 0; r < starts.length; r++) {
                int start = starts[r], len = lengths[r];
                zero(y, dst + done, dst + start);
                if (len >= COPY_RUN) {
                    System.arraycopy(ys, src, y, dst + start, len);
                } else {
                    for (int i = 0; i < len; i++) {
                        y[dst + start + i] = ys[src + i];
                    }
                }
                src += len;
                done = start + len;
            }
            zero(y, dst + done, dst + out);
        }
    }

    private static void zero(float[] y, int from, int to) {
        if (to - from >= COPY_RUN) {
            Arrays.fill(y, from, to, 0f);
        } else {
            for (int i = from; i < to; i++) {
                y[i] = 0f;
            }
        }
    }

    @Override
    public String format() {
        return small.format() + " structured " + keptRows.length + "×" + keptCols.length + " of " + out + "×" + in;
    }

    @Override
    public String kernel() {
        return small.kernel() + " on " + keptRows.length + "×" + keptCols.length + " of " + out + "×" + in;
    }

    @Override
    public long storedBytes() {
        return small.storedBytes() + 4L * (keptRows.length + keptCols.length);
    }

    @Override
    public long macsPerRow() {
        return small.macsPerRow();
    }

    @Override
    public float[] toDense() {
        float[] smallDense = small.toDense();
        int kc = keptCols.length;
        float[] w = new float[out * in];
        for (int r = 0; r < keptRows.length; r++) {
            int dst = keptRows[r] * in;
            for (int c = 0; c < kc; c++) {
                w[dst + keptCols[c]] = smallDense[r * kc + c];
            }
        }
        return w;
    }
}
