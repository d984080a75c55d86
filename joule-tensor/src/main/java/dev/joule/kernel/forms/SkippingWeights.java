package dev.joule.kernel.forms;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dynamic activation sparsity: an f32 matrix that multiplies only the inputs whose magnitude
 * exceeds a threshold (0 for ReLU outputs and spikes, where most inputs are exactly zero). The
 * matrix is stored transposed, {@code Wᵀ [in, out]} row-major, so an active input {@code x_i} adds
 * one contiguous row to the output:
 * <pre>
 *   for each input row b:
 *     y[b, :] = Σ_{i : |x[b, i]| > threshold} x[b, i] · Wᵀ[i, :]      (an axpy over out per active input)
 * </pre>
 * With threshold {@code t} the result is the dense product of the input with every {@code |x| <= t}
 * set to zero (up to float summation order); with {@code t = 0} it is the dense product itself.
 * A NaN input counts as active, so it reaches the outputs as it would in the dense kernel.
 *
 * <p>Work: {@code active · out} MACs per input row, recorded in {@link OpCounter} once per call (plus
 * {@code in} compares as flops) and added to this form's running counters, so reports can give the
 * effective MACs per input ({@link #effectiveMacsPerRow()}) next to the dense
 * {@link #macsPerRow()}. The counters are totals over every thread since creation or
 * {@link #resetCounts()}.
 *
 * <p>Kernels: {@link VectorActiveRowSums} when the dense kernels use the Vector API, otherwise the
 * scalar reference {@link ScalarActiveRowSums}. Batches with enough work split their input rows over
 * {@link Parallel}'s threads. Per-call scratch (the active inputs of a row) is kept per thread, so one
 * form may be used from several threads at once.
 */
public final class SkippingWeights implements LinearWeights {
    /** A thread's share of a parallel call is at least about this many dense MACs. */
    private static final long PARALLEL_MACS = 1 << 18;
    private static final ActiveRowSums ACTIVE = Kernels.get().name().startsWith("vector")
            ? VectorActiveRowSums.create()
            : new ScalarActiveRowSums();

    private final int out;
    private final int in;
    private final float[] wt;
    private final float threshold;
    private final ActiveRowSums sums;
    private final LongAdder effectiveMacs = new LongAdder();
    private final LongAdder rowsMultiplied = new LongAdder();
    private volatile long lastMacs;
    private final ThreadLocal<RowScratch> scratch;

    private SkippingWeights(int out, int in, float[] wt, float threshold, ActiveRowSums sums) {
        this.out = out;
        this.in = in;
        this.wt = wt;
        this.threshold = threshold;
        this.sums = sums;
        this.scratch = ThreadLocal.withInitial(() -> new RowScratch(in));
    }

    /**
     * Transposes the row-major {@code [out, in]} matrix (copied; the argument is not kept) and skips
     * inputs with {@code |x| <= threshold} ({@code threshold >= 0}, finite).
     */
    public static SkippingWeights of(float[] denseOutIn, int out, int in, float threshold) {
        return of(denseOutIn, out, in, threshold, ACTIVE);
    }

    static SkippingWeights of(float[] denseOutIn, int out, int in, float threshold, ActiveRowSums sums) {
        FormChecks.denseLength("SkippingWeights", out, in, denseOutIn);
        if (!(threshold >= 0f) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("SkippingWeights: threshold must be finite and >= 0, got " + threshold
                    + "; use 0 to skip exact zeros (ReLU outputs, spikes)");
        }
        float[] wt = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wt[i * out + o] = denseOutIn[o * in + i];
            }
        }
        return new SkippingWeights(out, in, wt, threshold, sums);
    }

    /** Inputs with {@code |x| <= threshold} are skipped. */
    public float threshold() {
        return threshold;
    }

    /** MACs actually done since creation or {@link #resetCounts()}, over every thread. */
    public long effectiveMacs() {
        return effectiveMacs.sum();
    }

    /** Input rows multiplied since creation or {@link #resetCounts()}, over every thread. */
    public long rowsMultiplied() {
        return rowsMultiplied.sum();
    }

    /** {@link #effectiveMacs()} per input row (0 before the first row); compare with {@link #macsPerRow()}. */
    public double effectiveMacsPerRow() {
        long rows = rowsMultiplied.sum();
        return rows == 0 ? 0 : (double) effectiveMacs.sum() / rows;
    }

    /** The MACs of the most recent call on any thread. */
    public long lastMacs() {
        return lastMacs;
    }

    /** Zeroes the running counters (e.g. before measuring one evaluation set). */
    public void resetCounts() {
        effectiveMacs.reset();
        rowsMultiplied.reset();
        lastMacs = 0;
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
        FormChecks.multiply("SkippingWeights", out, in, x, xOff, rows, y, yOff);
        if (rows == 0) {
            return;
        }
        long denseMacs = (long) rows * out * in;
        long active;
        if (rows > 1 && denseMacs >= 2 * PARALLEL_MACS && Parallel.threads() > 1) {
            active = multiplyParallel(x, xOff, rows, y, yOff);
        } else {
            RowScratch s = scratch.get();
            active = 0;
            for (int b = 0; b < rows; b++) {
                active += row(x, xOff + b * in, y, yOff + b * out, s);
            }
        }
        long macs = active * out;
        OpCounter.record(macs, (long) rows * in, 4L * (macs + (long) rows * in + (long) rows * out));
        effectiveMacs.add(macs);
        rowsMultiplied.add(rows);
        lastMacs = macs;
    }

    private long multiplyParallel(float[] x, int xOff, int rows, float[] y, int yOff) {
        int[] activePerRow = new int[rows];
        int grain = (int) Math.max(1, PARALLEL_MACS / ((long) out * in));
        Parallel.parallelFor(rows, grain, (from, to) -> {
            RowScratch s = scratch.get();
            for (int b = from; b < to; b++) {
                activePerRow[b] = row(x, xOff + b * in, y, yOff + b * out, s);
            }
        });
        long active = 0;
        for (int c : activePerRow) {
            active += c;
        }
        return active;
    }

    /** One input row: collects the active inputs, then sums their rows of Wᵀ; returns how many were active. */
    private int row(float[] x, int xRow, float[] y, int yRow, RowScratch s) {
        int count = 0;
        for (int i = 0; i < in; i++) {
            float v = x[xRow + i];
            if (!(Math.abs(v) <= threshold)) {
                s.active[count] = i;
                s.alpha[count] = v;
                count++;
            }
        }
        sums.sum(wt, out, s.active, s.alpha, count, y, yRow);
        return count;
    }

    @Override
    public String format() {
        return "f32 transposed";
    }

    @Override
    public String kernel() {
        return String.format(Locale.ROOT, "skip |x| <= %.4g, row axpy %s", threshold, sums.name());
    }

    @Override
    public long storedBytes() {
        return 4L * out * in;
    }

    /** The dense count {@code out · in}: the most one row can cost; see {@link #effectiveMacsPerRow()} for the measured cost. */
    @Override
    public long macsPerRow() {
        return (long) out * in;
    }

    @Override
    public float[] toDense() {
        float[] w = new float[out * in];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                w[o * in + i] = wt[i * out + o];
            }
        }
        return w;
    }

    /** The active inputs of one row: their indices and values. */
    private static final class RowScratch {
        final int[] active;
        final float[] alpha;

        RowScratch(int in) {
            active = new int[in];
            alpha = new float[in];
        }
    }
}
