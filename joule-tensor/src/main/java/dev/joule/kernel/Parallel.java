package dev.joule.kernel;

import dev.joule.tensor.OpCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's one thread pool: daemon threads named {@code joule-worker-N}, as many as the thread
 * count minus one (the calling thread always does a share itself).
 *
 * <p>Partitioning is static: {@code parallelFor(n, grain, body)} cuts {@code [0, n)} into at most
 * {@link #threads()} contiguous chunks whose boundaries depend only on {@code n}, {@code grain} and the
 * thread count, so results are deterministic for a given thread count. Work is never stolen and
 * reductions are never reordered behind the caller's back.
 *
 * <p>Small problems ({@code n <= grain}) and calls made from inside a parallel section (a worker, or
 * the caller while it runs its own chunk) run inline, so nested parallel loops cannot deadlock.
 *
 * <p>Idle workers spin up to 50 µs, and a joining caller up to 200 µs, before parking: parallel
 * sections come back to back (a gemm packs B, then computes) and a wake-up costs tens of
 * microseconds, more in a VM. The spinning is bounded: an idle pool is parked within 50 µs.
 */
public final class Parallel {
    /** The loop body: handles indices {@code [from, to)}. */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    private static final long JOIN_SPIN_NANOS = 200_000;
    private static final AtomicInteger WORKER_IDS = new AtomicInteger();
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final ThreadPoolExecutor POOL = newPool();
    private static volatile int threads = Runtime.getRuntime().availableProcessors();

    static {
        resizePool(threads);
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
        threads = count;
        resizePool(count);
    }

    /** True on a pool worker or on a caller running its own chunk of a parallel loop. */
    public static boolean insideParallelSection() {
        return INSIDE.get();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous chunks of at least {@code grain} indices,
     * one chunk per thread at most; returns when all chunks are done. An exception in any chunk is
     * rethrown here after every chunk has finished.
     */
    public static void parallelFor(int n, int grain, IntRangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = chunkCount(n, grain);
        if (chunks <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        List<Future<OpCounter.Totals>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = bound(n, chunks, c);
            int to = bound(n, chunks, c + 1);
            futures.add(POOL.submit(() -> runCounted(body, from, to)));
        }
        Throwable failure = null;
        INSIDE.set(Boolean.TRUE);
        try {
            body.run(0, bound(n, chunks, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
        failure = joinAll(futures, failure);
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
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

    private static OpCounter.Totals runCounted(IntRangeBody body, int from, int to) {
        OpCounter.Totals before = OpCounter.totals();
        body.run(from, to);
        return OpCounter.totals().minus(before);
    }

    private static Throwable joinAll(List<Future<OpCounter.Totals>> futures, Throwable failure) {
        boolean interrupted = false;
        for (Future<OpCounter.Totals> f : futures) {
            // Chunks are about equal, so the others finish soon: spin a little rather than park
            // (being woken up again costs tens of microseconds).
            long deadline = System.nanoTime() + JOIN_SPIN_NANOS;
            while (!f.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            while (true) {
                try {
                    OpCounter.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    private static ThreadPoolExecutor newPool() {
        ThreadFactory factory = r -> {
            Thread t = new OpCounter.CountingThread(() -> {
                INSIDE.set(Boolean.TRUE);
                r.run();
            }, "joule-worker-" + WORKER_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new SpinningQueue(), factory);
    }

    /**
     * A work queue whose idle workers spin briefly before parking: parallel sections tend to come
     * in quick succession (a gemm packs B, then computes; a layer runs several ops), and waking a
     * parked thread costs tens of microseconds, more in a VM.
     */
    private static final class SpinningQueue extends LinkedBlockingQueue<Runnable> {
        private static final long SPIN_NANOS = 50_000;

        @Override
        public Runnable take() throws InterruptedException {
            long deadline = System.nanoTime() + SPIN_NANOS;
            do {
                Runnable r = poll();
                if (r != null) {
                    return r;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() < deadline);
            return super.take();
        }
    }

    private static void resizePool(int count) {
        int workers = Math.max(1, count - 1);
        if (workers > POOL.getMaximumPoolSize()) {
            POOL.setMaximumPoolSize(workers);
            POOL.setCorePoolSize(workers);
        } else {
            POOL.setCorePoolSize(workers);
            POOL.setMaximumPoolSize(workers);
        }
    }
}
