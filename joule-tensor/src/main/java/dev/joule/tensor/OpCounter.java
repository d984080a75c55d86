package dev.joule.tensor;

/**
 * Cheap per-thread counters of the work kernels do: multiply-accumulates, other arithmetic
 * operations (flops that are not part of a MAC: adds, exps, compares...) and bytes moved.
 *
 * <p>Kernels record once per call, never per element. Row-wise callers still make many small calls,
 * so finding the current thread's counters avoids {@link ThreadLocal}: pool workers are
 * {@link CountingThread}s that carry their counters (an {@code instanceof} on
 * {@link Thread#currentThread()}, an intrinsic), and the one other thread that counts at a time
 * (normally the training thread) is found through a one-entry cache; only a thread that misses
 * the cache pays the thread-local lookup. A caller measures a region of code with
 *
 * <pre>{@code
 * try (OpCounter.Region r = OpCounter.open()) {
 *     model.forward(x);
 *     energy.attribute(r.macs(), r.flops(), r.bytes());
 * }
 * }</pre>
 *
 * <p>Work done on {@code dev.joule.kernel.Parallel}'s worker threads on behalf of the caller is
 * added to the caller's counters when the parallel section joins, so regions see it too. Regions
 * nest; each one reports the work done since it was opened.
 */
public final class OpCounter {
    private static final ThreadLocal<Counts> COUNTS = ThreadLocal.withInitial(Counts::new);
    /**
     * The last non-worker thread that counted, with its counters. Racy by design: an {@link Owner}
     * has only final fields, so any thread reading it sees a consistent pair, and a thread only
     * uses the counters when the pair names itself.
     */
    private static Owner lastOwner = new Owner(null, null);

    private OpCounter() {}

    /** A thread that carries its own counters, so that counting on it needs no lookup (the engine's pool workers). */
    public static class CountingThread extends Thread {
        private final Counts counts = new Counts();

        public CountingThread(Runnable body, String name) {
            super(body, name);
        }
    }

    private static final class Owner {
        final Thread thread;
        final Counts counts;

        Owner(Thread thread, Counts counts) {
            this.thread = thread;
            this.counts = counts;
        }
    }

    private static Counts current() {
        Thread t = Thread.currentThread();
        if (t instanceof CountingThread ct) {
            return ct.counts;
        }
        Owner o = lastOwner;
        if (o.thread == t) {
            return o.counts;
        }
        Counts c = COUNTS.get();
        lastOwner = new Owner(t, c);
        return c;
    }

    /** Records one kernel call's work on the current thread. */
    public static void record(long macs, long flops, long bytes) {
        Counts c = current();
        c.macs += macs;
        c.flops += flops;
        c.bytes += bytes;
    }

    /** Opens a region counting from now on the current thread (and its parallel workers). */
    public static Region open() {
        return new Region(totals());
    }

    /** The current thread's running totals since it started; used to compute deltas. */
    public static Totals totals() {
        Counts c = current();
        return new Totals(c.macs, c.flops, c.bytes);
    }

    /** Adds work done elsewhere (a worker thread) to the current thread's counters. */
    public static void add(Totals work) {
        record(work.macs(), work.flops(), work.bytes());
    }

    /** An amount of work: multiply-accumulates, other arithmetic operations and bytes moved. */
    public record Totals(long macs, long flops, long bytes) {
        public Totals minus(Totals earlier) {
            return new Totals(macs - earlier.macs, flops - earlier.flops, bytes - earlier.bytes);
        }

        /** Floating-point operations counting a MAC as two, as GFLOP/s figures do. */
        public long totalFlops() {
            return 2 * macs + flops;
        }
    }

    /** The work done on the opening thread since {@link #open()}; read it any time before or after close. */
    public static final class Region implements AutoCloseable {
        private final Totals start;
        private Totals end;

        private Region(Totals start) {
            this.start = start;
        }

        public Totals work() {
            return (end != null ? end : totals()).minus(start);
        }

        public long macs() {
            return work().macs();
        }

        public long flops() {
            return work().flops();
        }

        public long bytes() {
            return work().bytes();
        }

        /** Freezes the figures; later work is no longer included. */
        @Override
        public void close() {
            if (end == null) {
                end = totals();
            }
        }
    }

    private static final class Counts {
        long macs;
        long flops;
        long bytes;
    }
}
