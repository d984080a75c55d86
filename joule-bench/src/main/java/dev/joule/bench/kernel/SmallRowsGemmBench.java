package dev.joule.bench.kernel;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.PackedMatrix;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Plain timing harness (not JMH: each figure is the median of short rounds, so a whole run stays under a
 * minute on a shared machine) for the few-row gemm and the structured-pruning form.
 *
 * <pre>
 *   gemm THREADS [M,...]   x [M, 384] · W [384, 1536] pre-packed (PackedMatrix), and x [M, 1536] · W [1536, 384];
 *                          run once with -Djoule.gemm.edgeKernels=false and once without to compare
 *   minilm THREADS [M,...] x [M, 384] through MiniLM's 36 weight matrices in turn (42 MB, streamed from
 *                          memory as at batch 1); run with -Djoule.gemm.native=false (Java kernels) or
 *                          -Djoule.gemm.tallKernel=false and without to compare
 *   peak THREADS           the FMA ceiling: twelve independent chains of vector FMAs per thread, no memory
 *                          traffic (the most any f32 product can reach on this CPU)
 *   shrunk THREADS         x [4096, 128] through W [256, 128] pruned to 192 rows × 64 columns: the form
 *                          now, the previous algorithm (index gather, fill, index scatter, one small
 *                          product) and the dense [256, 128] product, alternating in one process
 * </pre>
 * Prints one line per case: median GMAC/s over the rounds (MACs of the product actually computed).
 */
public final class SmallRowsGemmBench {
    private static final int ROUNDS = 7;
    private static final long ROUND_NANOS = 150_000_000L;

    private SmallRowsGemmBench() {}

    public static void main(String[] args) {
        Parallel.setThreads(Integer.parseInt(args[1]));
        System.out.println("kernels " + Kernels.get().name() + ", threads " + Parallel.threads()
                + ", edgeKernels " + System.getProperty("joule.gemm.edgeKernels", "true")
                + ", tallKernel " + System.getProperty("joule.gemm.tallKernel", "true"));
        if (args[0].equals("gemm")) {
            int[] ms = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                    : new int[] {1, 8, 20, 32};
            gemm(384, 1536, ms);
            gemm(1536, 384, ms);
        } else if (args[0].equals("peak")) {
            for (int pass = 0; pass < 3; pass++) {
                System.out.printf("peak FMA, %d threads: %.1f GMAC/s%n", Parallel.threads(), peakRate(Parallel.threads()));
            }
        } else if (args[0].equals("minilm")) {
            int[] ms = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                    : new int[] {12, 24, 28, 40};
            for (int m : ms) {
                System.out.printf("minilm 36 matrices m=%d: %.1f GMAC/s%n", m, minilmRate(Parallel.threads(), m, 2000));
            }
        } else {
            shrunk();
        }
    }

    /**
     * Median GMAC/s of the pre-packed {@code x [m, k] · W [k, n]} after about {@code warmupMillis} of
     * untimed calls (for {@link SideBySideBench}, which calls it through two class loaders).
     */
    public static double gemmRate(int threads, int m, int k, int n, int warmupMillis) {
        Parallel.setThreads(threads);
        Random r = new Random(1);
        float[] w = random(r, k * n);
        PackedMatrix packed = PackedMatrix.pack(false, w, 0, n, k, n);
        float[] x = random(r, m * k);
        float[] c = new float[m * n];
        Runnable call = () -> packed.multiply(m, x, 0, k, 0f, c, 0, n);
        time(call, warmupMillis * 1_000_000L);
        return (double) m * k * n / median(call);
    }

    /**
     * Median GMAC/s of {@code m} rows through MiniLM's 36 linear layers in turn (six layers of Q, K, V,
     * output [384 → 384], FFN up [384 → 1536] and down [1536 → 384]), each weight matrix pre-packed: 42 MB
     * of weights, more than this machine's 32 MiB L3, so each call streams them as a batch-1 sentence does.
     */
    public static double minilmRate(int threads, int m, int warmupMillis) {
        Parallel.setThreads(threads);
        Random r = new Random(3);
        int[][] shapes = {{384, 384}, {384, 384}, {384, 384}, {384, 384}, {384, 1536}, {1536, 384}};
        List<PackedMatrix> layers = new ArrayList<>();
        long macs = 0;
        for (int layer = 0; layer < 6; layer++) {
            for (int[] kn : shapes) {
                layers.add(PackedMatrix.pack(false, random(r, kn[0] * kn[1]), 0, kn[1], kn[0], kn[1]));
                macs += (long) m * kn[0] * kn[1];
            }
        }
        float[] x = random(r, m * 1536);
        float[] c = new float[m * 1536];
        Runnable call = () -> {
            for (PackedMatrix w : layers) {
                w.multiply(m, x, 0, w.depth(), 0f, c, 0, w.width());
            }
        };
        time(call, warmupMillis * 1_000_000L);
        return macs / median(call);
    }

    /** The widest vectors this CPU has, as a constant (the Vector API compiles to vector code only for constant species). */
    private static final VectorSpecies<Float> PEAK_SPECIES = FloatVector.SPECIES_PREFERRED;

    /** GMAC/s of {@code threads} threads each running {@link #fmaChains} (a third of a second at 56 GMAC/s). */
    static double peakRate(int threads) {
        long steps = 100_000_000;
        for (int i = 0; i < 3; i++) {
            fmaChains(steps / 20); // compiled before the timed calls
        }
        float[] sink = new float[threads];
        Thread[] pool = new Thread[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            pool[t] = new Thread(() -> sink[id] = fmaChains(steps));
            pool[t].start();
        }
        for (Thread t : pool) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }
        long nanos = System.nanoTime() - start;
        if (Float.isNaN(sink[0])) {
            System.out.println("(sink " + sink[0] + ")");
        }
        return (double) threads * steps * 12 * PEAK_SPECIES.length() / nanos;
    }

    /**
     * Twelve independent FMA chains (more than FMA latency × issue width on current x86 cores), so the
     * loop is bound by FMA throughput alone; returns a sum so the work cannot be dropped.
     */
    private static float fmaChains(long steps) {
        VectorSpecies<Float> sp = PEAK_SPECIES;
        FloatVector m = FloatVector.broadcast(sp, 0.999999f);
        FloatVector d = FloatVector.broadcast(sp, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(sp, 1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        for (long i = 0; i < steps; i++) {
            a0 = a0.fma(m, d);
            a1 = a1.fma(m, d);
            a2 = a2.fma(m, d);
            a3 = a3.fma(m, d);
            a4 = a4.fma(m, d);
            a5 = a5.fma(m, d);
            a6 = a6.fma(m, d);
            a7 = a7.fma(m, d);
            a8 = a8.fma(m, d);
            a9 = a9.fma(m, d);
            a10 = a10.fma(m, d);
            a11 = a11.fma(m, d);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** Median GMAC/s (small MACs) of ShrunkWeights at the {@code shrunk} shape, as {@link #gemmRate}. */
    public static double shrunkRate(int threads, int warmupMillis) {
        Parallel.setThreads(threads);
        int rows = 4096, out = 256, in = 128;
        Random r = new Random(2);
        float[] w = random(r, out * in);
        ShrunkWeights form = ShrunkWeights.of(w, out, in, pick(r, out, 192), pick(r, in, 64));
        float[] x = random(r, rows * in);
        float[] y = new float[rows * out];
        Runnable call = () -> form.multiply(x, 0, rows, y, 0);
        time(call, warmupMillis * 1_000_000L);
        return (double) rows * 192 * 64 / median(call);
    }

    private static void gemm(int k, int n, int[] ms) {
        Random r = new Random(1);
        float[] w = random(r, k * n);
        PackedMatrix packed = PackedMatrix.pack(false, w, 0, n, k, n);
        for (int m : ms) {
            float[] x = random(r, m * k);
            float[] c = new float[m * n];
            Runnable call = () -> packed.multiply(m, x, 0, k, 0f, c, 0, n);
            time(call, 2_000_000_000L);
            System.out.printf("gemm pre-packed m=%d k=%d n=%d: %.1f GMAC/s%n", m, k, n,
                    (double) m * k * n / median(call));
        }
    }

    private static void shrunk() {
        int rows = 4096, out = 256, in = 128;
        Random r = new Random(2);
        float[] w = random(r, out * in);
        int[] keptRows = pick(r, out, 192);
        int[] keptCols = pick(r, in, 64);
        ShrunkWeights form = ShrunkWeights.of(w, out, in, keptRows, keptCols);
        DenseWeights dense = new DenseWeights(out, in, w);
        float[] x = random(r, rows * in);
        float[] y = new float[rows * out];
        float[] legacyY = new float[rows * out];
        Runnable now = () -> form.multiply(x, 0, rows, y, 0);
        Runnable before = () -> legacy(form.small(), keptRows, keptCols, out, in, x, rows, legacyY);
        Runnable full = () -> dense.multiply(x, 0, rows, y, 0);
        long smallMacs = (long) rows * keptRows.length * keptCols.length;
        long denseMacs = (long) rows * out * in;
        for (int pass = 0; pass < 2; pass++) {
            time(now, 1_000_000_000L);
            time(before, 1_000_000_000L);
            time(full, 1_000_000_000L);
            System.out.printf("pass %d: shrunk now %.1f GMAC/s (small MACs), shrunk before %.1f, dense 256x128 %.1f (dense MACs)%n",
                    pass, smallMacs / median(now), smallMacs / median(before), denseMacs / median(full));
        }
        now.run();
        before.run();
        System.out.println("shrunk now == before bit for bit: " + Arrays.equals(y, legacyY));
    }

    /** The previous algorithm's scratch, kept between calls as its thread-local scratch was. */
    private static float[] legacyXs = new float[0];
    private static float[] legacyYs = new float[0];

    /** The algorithm ShrunkWeights used before 2026-11-26 11:00: index gather, whole-output fill, index scatter. */
    private static void legacy(LinearWeights small, int[] kr, int[] kc, int out, int in, float[] x, int rows, float[] y) {
        float[] xs = legacyXs.length >= rows * kc.length ? legacyXs : (legacyXs = new float[rows * kc.length]);
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < kc.length; c++) {
                xs[b * kc.length + c] = x[b * in + kc[c]];
            }
        }
        float[] ys = legacyYs.length >= rows * kr.length ? legacyYs : (legacyYs = new float[rows * kr.length]);
        small.multiply(xs, 0, rows, ys, 0);
        Arrays.fill(y, 0, rows * out, 0f);
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < kr.length; c++) {
                y[b * out + kr[c]] = ys[b * kr.length + c];
            }
        }
    }

    private static int[] pick(Random r, int n, int count) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, r);
        return all.subList(0, count).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    /** Calls {@code call} repeatedly for about {@code nanos}; returns the calls made. */
    private static long time(Runnable call, long nanos) {
        long start = System.nanoTime();
        long calls = 0;
        while (System.nanoTime() - start < nanos) {
            call.run();
            calls++;
        }
        return calls;
    }

    /** Median nanoseconds per call over {@link #ROUNDS} rounds of about {@link #ROUND_NANOS}. */
    private static double median(Runnable call) {
        double[] perCall = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            long calls = time(call, ROUND_NANOS);
            perCall[i] = (double) (System.nanoTime() - start) / calls;
        }
        Arrays.sort(perCall);
        return perCall[ROUNDS / 2];
    }
}
