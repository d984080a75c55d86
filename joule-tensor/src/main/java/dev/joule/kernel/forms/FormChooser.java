package dev.joule.kernel.forms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the fastest of several forms of one weight matrix by timing them at the batch the layer
 * will run, once per layer at compression time. Every candidate must compute the same product (the
 * caller decides what may stand in for what, e.g. int8 weight-only as its dequantized f32 matrix);
 * this class only measures.
 *
 * <p>Method: each candidate is warmed up (at least {@link #WARMUP_NANOS}, or
 * {@link #FIRST_WARMUP_NANOS} the first time a kernel is seen in this JVM, and on while its call
 * time still drops: the JIT is compiling it; capped), then timed in {@link #REPEATS} rounds of a few calls each, round-robin over the
 * candidates so that a disturbance (another process, a GC) hits all of them alike. A candidate's
 * figure is the median of its rounds, in nanoseconds per call. Inputs are seeded random numbers in
 * {@code [-1, 1)} unless the caller passes representative ones (needed for
 * {@link SkippingWeights}, whose cost depends on the inputs). For small shapes one call costs a few
 * milliseconds in all (plus the one-time first warm-ups); a big layer about 8 of its multiplies per
 * candidate. No new round starts after {@link #TIMING_BUDGET_NANOS}, so a loaded machine shortens
 * the measurement instead of stretching it.
 *
 * <p>The timed calls are real work: they are recorded in {@link dev.joule.tensor.OpCounter} on the
 * calling thread and in a {@link SkippingWeights}' own counters (call its {@code resetCounts()}
 * after choosing). Timings on a shared or loaded machine are noisy; the reason string keeps every
 * figure so a surprising choice can be checked.
 *
 * <p>By convention the first candidate is the f32 baseline: the reason names every candidate's
 * median and its ratio to the first, e.g.
 * {@code "int8 per-channel [w8a8 dynamic per-row, quant vector 512-bit] fastest at 128×64, rows 32:
 * f32 [dense vector 512-bit] 41.2 µs (1.00×); int8 per-channel [...] 21.0 µs (0.51×)"}.
 */
public final class FormChooser {
    /** Timed rounds per candidate; the median is kept. */
    public static final int REPEATS = 5;
    /** Timed rounds per candidate even when the time budget is spent. */
    public static final int MIN_REPEATS = 3;
    /** Warm-up per candidate, at least. */
    public static final long WARMUP_NANOS = 300_000;
    /** Warm-up the first time a kernel is timed in this JVM (interpreted code is not a fair figure). */
    public static final long FIRST_WARMUP_NANOS = 20_000_000;
    /** One timed round lasts about this long (several calls for a small shape, one for a big one). */
    static final long ROUND_NANOS = 100_000;
    /**
     * After this long in timed rounds no new round starts (at least {@link #MIN_REPEATS} always run): on a loaded
     * machine, where a round can take far longer than its warm-up promised, the median is of fewer rounds.
     */
    static final long TIMING_BUDGET_NANOS = 50_000_000;
    /** Warm-up never runs longer than this per candidate (the first time a kernel is seen: the next one). */
    static final long WARMUP_CAP_NANOS = 50_000_000;
    static final long FIRST_WARMUP_CAP_NANOS = 200_000_000;
    private static final int WARMUP_WINDOW = 3;
    private static final int MAX_CALLS_PER_ROUND = 10_000;
    private static final Set<String> WARM_KERNELS = ConcurrentHashMap.newKeySet();

    /** One candidate's figure: its format, kernel and median time per call at the measured rows. */
    public record Timing(String format, String kernel, double medianNanos) {}

    /** The fastest form, every candidate's timing (in candidate order) and the reason in words. */
    public record Choice(LinearWeights form, List<Timing> timings, String reason) {}

    private FormChooser() {}

    /** Times the candidates at {@code rows >= 1} input rows of seeded random numbers and picks the fastest. */
    public static Choice fastest(List<LinearWeights> candidates, int rows) {
        checkCandidates(candidates);
        if (rows < 1) {
            throw new IllegalArgumentException("FormChooser: rows must be >= 1, got " + rows);
        }
        int in = candidates.get(0).inFeatures();
        float[] x = new float[rows * in];
        SplittableRandom rnd = new SplittableRandom(0x5EED);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return fastest(candidates, x, rows);
    }

    /** Times the candidates on the given {@code rows × in} inputs (row-major, representative of the layer's). */
    public static Choice fastest(List<LinearWeights> candidates, float[] x, int rows) {
        checkCandidates(candidates);
        int in = candidates.get(0).inFeatures();
        int out = candidates.get(0).outFeatures();
        if (rows < 1 || x.length != (long) rows * in) {
            throw new IllegalArgumentException("FormChooser: inputs must be rows × in = " + rows + " × " + in
                    + " = " + (long) rows * in + " floats with rows >= 1, got " + x.length);
        }
        float[] y = new float[rows * out];
        int n = candidates.size();
        int[] callsPerRound = new int[n];
        for (int c = 0; c < n; c++) {
            callsPerRound[c] = warmUp(candidates.get(c), x, rows, y);
        }
        double[][] rounds = new double[n][REPEATS];
        int done = 0;
        long start = System.nanoTime();
        while (done < REPEATS && (done < MIN_REPEATS || System.nanoTime() - start < TIMING_BUDGET_NANOS)) {
            for (int c = 0; c < n; c++) {
                rounds[c][done] = timeRound(candidates.get(c), x, rows, y, callsPerRound[c]);
            }
            done++;
        }
        List<Timing> timings = new ArrayList<>(n);
        int best = 0;
        for (int c = 0; c < n; c++) {
            LinearWeights form = candidates.get(c);
            timings.add(new Timing(form.format(), form.kernel(), median(Arrays.copyOf(rounds[c], done))));
            if (timings.get(c).medianNanos() < timings.get(best).medianNanos()) {
                best = c;
            }
        }
        return new Choice(candidates.get(best), List.copyOf(timings), reason(timings, best, out, in, rows));
    }

    private static void checkCandidates(List<LinearWeights> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("FormChooser: no candidate forms; pass at least the f32 DenseWeights");
        }
        LinearWeights first = candidates.get(0);
        for (LinearWeights f : candidates) {
            if (f.outFeatures() != first.outFeatures() || f.inFeatures() != first.inFeatures()) {
                throw new IllegalArgumentException("FormChooser: candidate " + f.format() + " [" + f.kernel() + "] is ["
                        + f.outFeatures() + ", " + f.inFeatures() + "] but the first is [" + first.outFeatures()
                        + ", " + first.inFeatures() + "]; every candidate must be a form of the same matrix");
            }
        }
    }

    /**
     * Warms the candidate up: windows of {@link #WARMUP_WINDOW} calls until the budget is spent and
     * the window median stopped dropping (a drop of a fifth or more means the JIT is still replacing
     * interpreted code), within a hard cap. Returns how many calls make one timed round of about
     * {@link #ROUND_NANOS}.
     */
    private static int warmUp(LinearWeights form, float[] x, int rows, float[] y) {
        // Shapes and scales appear in kernel names; the JIT state they stand for does not depend on them.
        String kernelKind = form.getClass().getName() + " " + form.kernel().replaceAll("[0-9.]+", "#");
        boolean first = WARM_KERNELS.add(kernelKind);
        long budget = first ? FIRST_WARMUP_NANOS : WARMUP_NANOS;
        long cap = first ? FIRST_WARMUP_CAP_NANOS : WARMUP_CAP_NANOS;
        long start = System.nanoTime();
        long[] window = new long[WARMUP_WINDOW];
        long previous = Long.MAX_VALUE;
        long perCall;
        boolean improving;
        long elapsed;
        do {
            for (int k = 0; k < window.length; k++) {
                long t0 = System.nanoTime();
                form.multiply(x, 0, rows, y, 0);
                window[k] = System.nanoTime() - t0;
            }
            Arrays.sort(window);
            perCall = Math.max(1, window[window.length / 2]);
            improving = perCall < 0.8 * previous;
            previous = perCall;
            elapsed = System.nanoTime() - start;
        } while ((elapsed < budget || improving) && elapsed < cap);
        return (int) Math.max(1, Math.min(MAX_CALLS_PER_ROUND, ROUND_NANOS / perCall));
    }

    private static double timeRound(LinearWeights form, float[] x, int rows, float[] y, int calls) {
        long t0 = System.nanoTime();
        for (int k = 0; k < calls; k++) {
            form.multiply(x, 0, rows, y, 0);
        }
        return (double) (System.nanoTime() - t0) / calls;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static String reason(List<Timing> timings, int best, int out, int in, int rows) {
        double base = timings.get(0).medianNanos();
        StringBuilder sb = new StringBuilder();
        Timing b = timings.get(best);
        sb.append(String.format(Locale.ROOT, "%s [%s] fastest at %d×%d, rows %d:", b.format(), b.kernel(), out, in, rows));
        for (int c = 0; c < timings.size(); c++) {
            Timing t = timings.get(c);
            sb.append(c == 0 ? " " : "; ").append(String.format(Locale.ROOT, "%s [%s] %.1f µs (%.2f×)",
                    t.format(), t.kernel(), t.medianNanos() / 1e3, base > 0 ? t.medianNanos() / base : 1.0));
        }
        return sb.toString();
    }
}
