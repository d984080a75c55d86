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
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
