package dev.joule.kernel;

import dev.joule.tensor.OpCounter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's worker threads: daemon threads named {@code joule-worker-N}, as many as the thread
 * count minus one (the calling thread always does a share itself).
 *
 * <p>Partitioning is static: {@code parallelFor(n, grain, body)} cuts {@code [0, n)} into at most
 * {@link #threads()} contiguous chunks whose boundaries depend only on {@code n}, {@code grain} and the
 * thread count, so results are deterministic for a given thread count. Work is never stolen and
 * reductions are never reordered behind the caller's back.
 *
 * <p>Small problems ({@code n <= grain}) and calls made from inside a parallel section (a worker, or
 * the caller while it runs its own chunk) run inline, so nested parallel loops cannot deadlock. One
 * parallel section runs on the workers at a time; a second thread that starts one meanwhile runs
 * its chunks itself, one after another (same boundaries, so the same results).
 *
 * <p>Hand-off is direct: worker {@code w} is given chunk {@code w} through its own slot, not through
 * an executor queue, and the caller waits on a counter, so a section costs a few hundred nanoseconds
 * of dispatch instead of a queue, a future and a wake-up per chunk. That matters at batch 1, where a
 * sentence encoder runs some sixty sections per sentence, many of them 10-50 µs long. Idle workers
 * spin up to 50 µs, and a joining caller up to 200 µs, before parking: sections come back to back and
 * a wake-up costs tens of microseconds, more in a VM. The spinning is bounded: an idle pool is
 * parked within 50 µs.
 */
public final class Parallel {
    /** The loop body: handles indices {@code [from, to)}. */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    private static final long JOIN_SPIN_NANOS = 200_000;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /** Held by the thread whose section is on the workers. */
    private static final ReentrantLock DISPATCH = new ReentrantLock();
    /** Started workers (grows with {@link #setThreads}, never shrinks; the first threads − 1 are used). */
    private static volatile PoolWorker[] workers = new PoolWorker[0];
    private static volatile int threads = Runtime.getRuntime().availableProcessors();

    static {
        ensureWorkers(threads);
    }

    private Parallel() {}

    /** The number of threads a parallel loop uses, the caller included. */
    public static int threads() {
        return threads;
    }

    /** Sets the thread count (the CLI's {@code --threads}); 1 runs everything on the caller. */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + count);
        }
        ensureWorkers(count);
        threads = count;
    }

    /**
     * Wakes the parked workers that a parallel loop would use, without giving them work: they spin (at
     * most the usual 50 µs) and then park again. A caller about to start a burst of parallel loops after
     * a serial stretch (an inference call after tokenising) calls it first, so that the wake-up, tens of
     * microseconds in a VM, overlaps the serial work before the first loop instead of delaying it.
     */
    public static void wakeWorkers() {
        PoolWorker[] pool = workers;
        for (int w = 0; w < Math.min(threads - 1, pool.length); w++) {
            pool[w].wake();
        }
    }

    /** Marks the calling pool worker as inside a parallel section for good (nested loops run inline there). */
    static void markWorkerThread() {
        INSIDE.set(Boolean.TRUE);
    }

    /** True on a pool worker or on a caller running its own chunk of a parallel loop. */
    public static boolean insideParallelSection() {
        return INSIDE.get();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous chunks of at least {@code grain} indices,
     * one chunk per thread at most; returns when all chunks are done. An exception in any chunk is
     * rethrown here after every chunk has finished (the caller's own first, then by chunk order).
     */
    public static void parallelFor(int n, int grain, IntRangeBody body) {
        if (n <= 0) {
            return;
        }
        run(n, chunkCount(n, grain), body, false, null, 0);
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into {@code chunks} contiguous chunks (boundaries fixed
     * by {@code n} and {@code chunks} alone) that the threads claim one at a time: each starts with one,
     * and whoever finishes first takes the next. A thread slowed down (a late wake-up, its data in the
     * other core's cache, the VM taking its core) then costs less than with one fixed chunk per thread.
     * Only for bodies whose chunks are independent of one another and of the thread that runs them
     * (each writes its own outputs, no per-thread accumulator): then results do not depend on which
     * thread ran what. Fewer than two chunks, or a call from inside a parallel section, runs inline.
     */
    public static void parallelForBalanced(int n, int chunks, IntRangeBody body) {
        if (n <= 0) {
            return;
        }
        run(n, Math.max(1, Math.min(n, chunks)), body, true, null, 0);
    }

    /**
     * {@link #parallelForBalanced}, preceded inside the same section by {@code prologue} over
     * {@code [0, m)}: the participating threads claim its parts (two per participant, boundaries fixed by
     * {@code m} and the number of participants) as they arrive, wait until every part is done, then take
     * body chunks. A worker that starts late (descheduled by a busy host) finds the parts taken and goes
     * straight to the chunks, instead of holding the others at the barrier. For a step every chunk needs whole, such as quantizing a product's input rows: split
     * over the threads instead of run by the caller before the section, and with no second section.
     * The prologue's parts must be independent of one another. When the loop runs inline, the whole
     * prologue runs first, then the chunks.
     */
    public static void parallelForBalanced(int m, IntRangeBody prologue, int n, int chunks, IntRangeBody body) {
        if (n <= 0) {
            if (m > 0) {
                prologue.run(0, m);
            }
            return;
        }
        run(n, Math.max(1, Math.min(n, chunks)), body, true, prologue, m);
    }

    /** Chunks per thread that {@link #balancedChunks} asks for: the first thread done takes the last one. */
    private static final int CHUNKS_PER_THREAD = 2;

    /**
     * The chunk count for {@link #parallelForBalanced} over {@code n} independent units of at least
     * {@code grain} each: two per thread that {@link #parallelFor} would use, or 1 when it would use one.
     * (MiniLM at batch 1, 2 threads: about 5 % less wall time than one fixed chunk per thread; four or
     * eight per thread gained less.)
     */
    public static int balancedChunks(int n, int grain) {
        int perThread = chunkCount(n, grain);
        return perThread <= 1 ? 1 : Math.min(n, CHUNKS_PER_THREAD * perThread);
    }

    private static void run(int n, int chunks, IntRangeBody body, boolean claimed, IntRangeBody prologue, int m) {
        if (chunks <= 1 || INSIDE.get()) {
            if (prologue != null && m > 0) {
                prologue.run(0, m);
            }
            body.run(0, n);
            return;
        }
        int participants = Math.min(chunks, threads);
        PoolWorker[] pool = workers;
        if (participants <= 1 || pool.length < participants - 1 || !DISPATCH.tryLock()) {
            runChunksInline(n, chunks, body, prologue, m);
            return;
        }
        Throwable failure;
        try {
            Section section = new Section(n, chunks, participants, claimed, body, prologue, m);
            for (int c = 1; c < participants; c++) {
                pool[c - 1].give(section, c);
            }
            failure = section.runOwnChunk();
            section.join();
            failure = section.firstFailure(failure);
        } finally {
            DISPATCH.unlock();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    /** The chunks of a section one after another on the caller (the workers are busy with another caller's). */
    private static void runChunksInline(int n, int chunks, IntRangeBody body, IntRangeBody prologue, int m) {
        INSIDE.set(Boolean.TRUE);
        try {
            if (prologue != null && m > 0) {
                prologue.run(0, m);
            }
            for (int c = 0; c < chunks; c++) {
                body.run(bound(n, chunks, c), bound(n, chunks, c + 1));
            }
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
    }

    /** How many chunks {@code parallelFor(n, grain, ...)} uses with the current thread count. */
    public static int chunkCount(int n, int grain) {
        long byGrain = (n + (long) Math.max(grain, 1) - 1) / Math.max(grain, 1);
        return (int) Math.max(1, Math.min(threads, byGrain));
    }

    private static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    private static synchronized void ensureWorkers(int count) {
        PoolWorker[] old = workers;
        if (old.length >= count - 1) {
            return;
        }
        PoolWorker[] grown = java.util.Arrays.copyOf(old, count - 1);
        for (int i = old.length; i < grown.length; i++) {
            grown[i] = new PoolWorker();
            grown[i].thread.start();
        }
        workers = grown;
    }

    /**
     * One parallel loop in flight: its chunks, the caller waiting for them, and what they reported.
     * Participant {@code p} (0 is the caller) runs chunk {@code p}; when chunks are claimed, it then
     * takes further chunks from {@code next} until none is left.
     */
    private static final class Section implements PoolWorker.Task {
        final int n;
        final int chunks;
        final int participants;
        final boolean claimed;
        final IntRangeBody body;
        final Thread caller = Thread.currentThread();
        final AtomicInteger next;
        final AtomicInteger pending;
        final OpCounter.Totals[] work;
        final Throwable[] failures;
        volatile boolean callerParked;
        /** Run before the body in claimed parts, all parts before any chunk (null: none). */
        final IntRangeBody prologue;
        final int prologueSize;
        final int prologueParts;
        final AtomicInteger prologueNext = new AtomicInteger();
        /** Prologue parts finished (or failed); every participant waits for all before its first chunk. */
        final AtomicInteger prologueDone = new AtomicInteger();

        Section(int n, int chunks, int participants, boolean claimed, IntRangeBody body, IntRangeBody prologue, int m) {
            this.n = n;
            this.chunks = chunks;
            this.participants = participants;
            this.claimed = claimed;
            this.body = body;
            this.prologue = prologue;
            this.prologueSize = m;
            this.prologueParts = Math.max(1, Math.min(m, CHUNKS_PER_THREAD * participants));
            this.next = new AtomicInteger(participants);
            this.pending = new AtomicInteger(participants - 1);
            this.work = new OpCounter.Totals[participants];
            this.failures = new Throwable[participants];
        }

        /**
         * Claims and runs prologue parts (when there is a prologue) until none is left and waits for the
         * ones still running, then runs chunk {@code p}, then, when chunks are claimed, the unclaimed ones.
         */
        private void runFrom(int p) {
            if (prologue != null) {
                for (int k = prologueNext.getAndIncrement(); k < prologueParts; k = prologueNext.getAndIncrement()) {
                    try {
                        prologue.run(bound(prologueSize, prologueParts, k), bound(prologueSize, prologueParts, k + 1));
                    } finally {
                        prologueDone.incrementAndGet(); // also on failure, so no participant waits forever
                    }
                }
                awaitPrologue();
            }
            body.run(bound(n, chunks, p), bound(n, chunks, p + 1));
            if (claimed) {
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    body.run(bound(n, chunks, c), bound(n, chunks, c + 1));
                }
            }
        }

        /** Spins until every prologue part is done (all are claimed by now, and short); yields after 200 µs. */
        private void awaitPrologue() {
            long deadline = System.nanoTime() + JOIN_SPIN_NANOS;
            while (prologueDone.get() < prologueParts) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        Throwable runOwnChunk() {
            INSIDE.set(Boolean.TRUE);
            try {
                runFrom(0);
                return null;
            } catch (RuntimeException | Error e) {
                return e;
            } finally {
                INSIDE.set(Boolean.FALSE);
            }
        }

        /** On a worker: runs participant {@code c}'s chunks, then reports them done. */
        @Override
        public void runChunk(int c) {
            OpCounter.Totals before = OpCounter.totals();
            try {
                runFrom(c);
            } catch (Throwable t) {
                failures[c] = t;
            }
            work[c] = OpCounter.totals().minus(before);
            // The decrement publishes work[c] and failures[c] to the caller, which reads pending first.
            if (pending.decrementAndGet() == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
        }

        /** Waits for the workers' chunks: spins briefly (they are about as long as the caller's), then parks. */
        void join() {
            long deadline = System.nanoTime() + JOIN_SPIN_NANOS;
            while (pending.get() > 0) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                callerParked = true;
                if (pending.get() > 0) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            for (int c = 1; c < participants; c++) {
                if (work[c] != null) {
                    OpCounter.add(work[c]);
                }
            }
        }

        Throwable firstFailure(Throwable own) {
            if (own != null) {
                return own;
            }
            for (int c = 1; c < participants; c++) {
                if (failures[c] != null) {
                    return failures[c];
                }
            }
            return null;
        }
    }
}
