package dev.joule.kernel.forms;

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
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[2][0]);

    private ShrunkWeights(int out, int in, int[] keptRows, int[] keptCols, LinearWeights small) {
        this.out = out;
        this.in = in;
        this.keptRows = keptRows;
        this.keptCols = keptCols;
        this.small = small;
        this.allCols = keptCols.length == in;
        this.allRows = keptRows.length == out;
    }

    /**
     * Keeps rows {@code keptRows} and columns {@code keptCols} (each strictly increasing, within
     * {@code [0, out)} and {@code [0, in)}) of the row-major {@code [out, in]} matrix as a small f32
     * {@link DenseWeights}; the pruned weights are dropped whatever their values.
     */
    public static ShrunkWeights of(float[] denseOutIn, int out, int in, int[] keptRows, int[] keptCols) {
        FormChecks.denseLength("ShrunkWeights", out, in, denseOutIn);
        checkIndices("keptRows", keptRows, out);
        checkIndices("keptCols", keptCols, in);
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
        checkIndices("keptRows", keptRows, out);
        checkIndices("keptCols", keptCols, in);
        if (small.outFeatures() != keptRows.length || small.inFeatures() != keptCols.length) {
            throw new IllegalArgumentException("ShrunkWeights: the small form is [" + small.outFeatures() + ", "
                    + small.inFeatures() + "] but " + keptRows.length + " kept rows × " + keptCols.length
                    + " kept columns need [" + keptRows.length + ", " + keptCols.length + "]");
        }
        return new ShrunkWeights(out, in, keptRows.clone(), keptCols.clone(), small);
    }

    private static void checkIndices(String what, int[] kept, int bound) {
        for (int k = 0; k < kept.length; k++) {
            int v = kept[k];
            if (v < 0 || v >= bound || (k > 0 && v <= kept[k - 1])) {
                throw new IllegalArgumentException("ShrunkWeights: " + what + "[" + k + "] = " + v + " must be in [0, "
                        + bound + ") and greater than the previous index; pass the kept indices sorted, without repeats");
            }
        }
    }

    /** The kept output rows, ascending (a copy). */
    public int[] keptRows() {
        return keptRows.clone();
    }

    /** The kept input columns, ascending (a copy). */
    public int[] keptCols() {
        return keptCols.clone();
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
        float[][] s = scratch.get();
        float[] xs = x;
        int xsOff = xOff;
        if (!allCols) {
            xs = s[0] = grow(s[0], rows * kc);
            xsOff = 0;
            gather(x, xOff, rows, xs);
        }
        if (allRows) {
            small.multiply(xs, xsOff, rows, y, yOff);
        } else {
            float[] ys = s[1] = grow(s[1], rows * kr);
            small.multiply(xs, xsOff, rows, ys, 0);
            scatter(ys, rows, y, yOff);
        }
        long moved = (allCols ? 0 : 8L * rows * kc) + (allRows ? 0 : 4L * rows * (kr + out));
        OpCounter.record(0, 0, moved);
    }

    private static float[] grow(float[] a, int length) {
        return a.length >= length ? a : new float[length];
    }

    private void gather(float[] x, int xOff, int rows, float[] xs) {
        int kc = keptCols.length;
        for (int b = 0; b < rows; b++) {
            int src = xOff + b * in;
            int dst = b * kc;
            for (int c = 0; c < kc; c++) {
                xs[dst + c] = x[src + keptCols[c]];
            }
        }
    }

    private void scatter(float[] ys, int rows, float[] y, int yOff) {
        int kr = keptRows.length;
        Arrays.fill(y, yOff, yOff + rows * out, 0f);
        for (int b = 0; b < rows; b++) {
            int dst = yOff + b * out;
            int src = b * kr;
            for (int r = 0; r < kr; r++) {
                y[dst + keptRows[r]] = ys[src + r];
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
