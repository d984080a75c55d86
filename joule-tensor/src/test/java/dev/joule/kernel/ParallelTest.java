package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void coversEveryIndexExactlyOnceInContiguousChunks() {
        Parallel.setThreads(3);
        int n = 1001;
        AtomicInteger[] hits = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            hits[i] = new AtomicInteger();
        }
        AtomicInteger chunks = new AtomicInteger();
        Parallel.parallelFor(n, 10, (from, to) -> {
            chunks.incrementAndGet();
            for (int i = from; i < to; i++) {
                hits[i].incrementAndGet();
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits[i].get(), "index " + i);
        }
        assertEquals(3, chunks.get());
    }

    @Test
    void runsOnNamedWorkerThreadsAndTheCaller() {
        Parallel.setThreads(2);
        Set<String> names = ConcurrentHashMap.newKeySet();
        Parallel.parallelFor(2, 1, (from, to) -> names.add(Thread.currentThread().getName()));
        assertTrue(names.contains(Thread.currentThread().getName()), names.toString());
        assertTrue(names.stream().anyMatch(s -> s.startsWith("joule-worker-")), names.toString());
    }

    @Test
    void smallProblemsRunInlineOnTheCaller() {
        Parallel.setThreads(2);
        Thread caller = Thread.currentThread();
        Parallel.parallelFor(5, 10, (from, to) -> {
            assertSame(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(5, to);
        });
    }

    @Test
    void nestedLoopsRunInlineAndDoNotDeadlock() {
        Parallel.setThreads(2);
        AtomicInteger total = new AtomicInteger();
        Parallel.parallelFor(4, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                Parallel.parallelFor(100, 1, (f, t) -> total.addAndGet(t - f));
            }
        });
        assertEquals(400, total.get());
    }

    @Test
    void oneThreadRunsEverythingOnTheCaller() {
        Parallel.setThreads(1);
        Thread caller = Thread.currentThread();
        Parallel.parallelFor(1000, 1, (from, to) -> assertSame(caller, Thread.currentThread()));
        assertEquals(1, Parallel.threads());
    }

    @Test
    void chunkBoundariesDependOnlyOnSizeGrainAndThreads() {
        Parallel.setThreads(2);
        assertEquals(2, Parallel.chunkCount(100, 1));
        assertEquals(1, Parallel.chunkCount(100, 100));
        assertEquals(2, Parallel.chunkCount(101, 100));
    }

    @Test
    void exceptionsInAWorkerChunkReachTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                Parallel.parallelFor(2, 1, (from, to) -> {
                    if (from == 1) {
                        throw new IllegalStateException("boom in chunk 1");
                    }
                }));
        assertEquals("boom in chunk 1", e.getMessage());
    }

    @Test
    void balancedLoopsRunEveryFixedChunkOnceWhoeverClaimsIt() {
        Parallel.setThreads(2);
        int n = 103;
        int chunks = 7;
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger[] hits = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            hits[i] = new AtomicInteger();
        }
        Set<String> threadNames = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 20; round++) {
            Parallel.parallelForBalanced(n, chunks, (from, to) -> {
                seen.add(from + "-" + to);
                threadNames.add(Thread.currentThread().getName());
                for (int i = from; i < to; i++) {
                    hits[i].incrementAndGet();
                }
            });
        }
        for (int i = 0; i < n; i++) {
            assertEquals(20, hits[i].get(), "index " + i);
        }
        // The boundaries are n · c / chunks whatever thread ran a chunk: exactly seven distinct ranges.
        assertEquals(Set.of("0-14", "14-29", "29-44", "44-58", "58-73", "73-88", "88-103"), seen);
        assertTrue(threadNames.stream().anyMatch(s -> s.startsWith("joule-worker-")), threadNames.toString());
    }

    @Test
    void balancedLoopsRunInlineWithOneChunkOneThreadOrInsideASection() {
        Thread caller = Thread.currentThread();
        Parallel.setThreads(2);
        Parallel.parallelForBalanced(10, 1, (from, to) -> assertSame(caller, Thread.currentThread()));
        Parallel.setThreads(1);
        AtomicInteger calls = new AtomicInteger();
        Parallel.parallelForBalanced(10, 4, (from, to) -> {
            assertSame(caller, Thread.currentThread());
            calls.incrementAndGet();
        });
        assertEquals(4, calls.get(), "one thread still runs the four chunks, one after another");
        Parallel.setThreads(2);
        AtomicInteger total = new AtomicInteger();
        Parallel.parallelFor(2, 1, (from, to) ->
                Parallel.parallelForBalanced(50, 5, (f, t) -> total.addAndGet(t - f)));
        assertEquals(100, total.get());
    }

    @Test
    void exceptionsInABalancedChunkReachTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                Parallel.parallelForBalanced(40, 4, (from, to) -> {
                    if (from == 30) {
                        throw new IllegalStateException("boom in the last chunk");
                    }
                }));
        assertEquals("boom in the last chunk", e.getMessage());
    }

    /**
     * With a prologue, every prologue index runs once (its parts claimed by whichever participants
     * arrive), and no chunk starts before the whole prologue is done: on the workers, inline (one thread), and inside a
     * section.
     */
    @Test
    void aPrologueRunsWholeBeforeAnyChunk() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (boolean nested : new boolean[] {false, true}) {
                int m = 7;
                int n = 40;
                AtomicInteger[] pro = new AtomicInteger[m];
                for (int i = 0; i < m; i++) {
                    pro[i] = new AtomicInteger();
                }
                AtomicInteger[] hits = new AtomicInteger[n];
                for (int i = 0; i < n; i++) {
                    hits[i] = new AtomicInteger();
                }
                AtomicInteger done = new AtomicInteger();
                AtomicInteger early = new AtomicInteger();
                Set<String> prologueThreads = ConcurrentHashMap.newKeySet();
                Runnable loop = () -> Parallel.parallelForBalanced(m, (from, to) -> {
                    prologueThreads.add(Thread.currentThread().getName());
                    sleepMillis(2); // a slow part: a chunk that did not wait would start meanwhile
                    for (int i = from; i < to; i++) {
                        pro[i].incrementAndGet();
                        done.incrementAndGet();
                    }
                }, n, 4, (from, to) -> {
                    if (done.get() < m) {
                        early.incrementAndGet();
                    }
                    for (int i = from; i < to; i++) {
                        hits[i].incrementAndGet();
                    }
                });
                if (nested) {
                    Parallel.parallelFor(2, 1, (a, b) -> {
                        for (int k = a; k < b; k++) {
                            loop.run();
                        }
                    });
                } else {
                    loop.run();
                }
                String what = threads + " threads" + (nested ? ", inside a section" : "");
                for (int i = 0; i < m; i++) {
                    assertEquals(nested ? 2 : 1, pro[i].get(), what + ": prologue index " + i);
                }
                assertEquals(0, early.get(), what + ": a chunk started before the prologue was done");
                for (int i = 0; i < n; i++) {
                    assertEquals(nested ? 2 : 1, hits[i].get(), what + ": index " + i);
                }
                assertTrue(prologueThreads.size() >= 1 && prologueThreads.size() <= threads, what);
            }
        }
    }

    @Test
    void anExceptionInAPrologueReachesTheCallerWithoutAHang() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                Parallel.parallelForBalanced(10, (from, to) -> {
                    if (from > 0) {
                        throw new IllegalStateException("boom in the worker's prologue part");
                    }
                }, 40, 4, (from, to) -> { }));
        assertEquals("boom in the worker's prologue part", e.getMessage());
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waking idle workers gives them no work: later loops still run every index once, on one thread or several. */
    @Test
    void wakingWorkersChangesNoLoop() throws InterruptedException {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            Parallel.wakeWorkers();
            Thread.sleep(1); // let a woken worker spin and find nothing
            AtomicInteger sum = new AtomicInteger();
            Parallel.parallelForBalanced(100, 4, (from, to) -> {
                for (int i = from; i < to; i++) {
                    sum.addAndGet(i);
                }
            });
            assertEquals(4950, sum.get(), threads + " threads");
            Parallel.wakeWorkers();
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
