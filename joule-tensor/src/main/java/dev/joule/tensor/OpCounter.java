package dev.joule.tensor;

/**
 * Cheap per-thread counters of the work kernels do: multiply-accumulates, other arithmetic
 * operations (flops that are not part of a MAC: adds, exps, compares...) and bytes moved.
 *
 * <p>Kernels record once per call, never per element, so counting costs a thread-local lookup and
 * three additions. A caller measures a region of code with
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

    private OpCounter() {}

    /** Records one kernel call's work on the current thread. */
    public static void record(long macs, long flops, long bytes) {
        Counts c = COUNTS.get();
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
        Counts c = COUNTS.get();
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
