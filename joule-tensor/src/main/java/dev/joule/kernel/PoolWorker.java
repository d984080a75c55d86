package dev.joule.kernel;

import dev.joule.tensor.OpCounter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One of {@link Parallel}'s pool threads ({@code joule-worker-N}, daemon), with a one-entry mailbox:
 * the task and chunk it runs next. Hand-off is direct, not through a queue. An idle worker spins up to
 * 50 µs before parking: sections come back to back and a wake-up costs tens of microseconds, more in a
 * VM; {@link #wake} unparks it without work when a burst of sections is about to start.
 */
final class PoolWorker implements Runnable {
    /** What a worker runs: participant {@code c}'s share of one parallel section. */
    interface Task {
        void runChunk(int c);
    }

    private static final long SPIN_NANOS = 50_000;
    private static final AtomicInteger IDS = new AtomicInteger();

    final Thread thread;
    private volatile Task task;
    private volatile int chunk;
    private volatile boolean parked;

    PoolWorker() {
        thread = new OpCounter.CountingThread(this, "joule-worker-" + IDS.incrementAndGet());
        thread.setDaemon(true);
    }

    /** Unparks the thread when it is parked; its spin then starts afresh. */
    void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    void give(Task t, int c) {
        chunk = c;
        task = t;
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        Parallel.markWorkerThread();
        while (true) {
            Task t = await();
            int c = chunk;
            task = null;
            t.runChunk(c);
        }
    }

    private Task await() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        Task t;
        while ((t = task) == null) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
                continue;
            }
            parked = true;
            if (task == null) {
                LockSupport.park(this);
            }
            parked = false;
            deadline = System.nanoTime() + SPIN_NANOS;
        }
        return t;
    }
}
