package dev.joule.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.ScalarKernels;
import dev.joule.kernel.VectorKernels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpCounterTest {

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void gemmRecordsMacsAndTheBytesOfAbAndC() {
        for (Kernels k : new Kernels[] {new ScalarKernels(), VectorKernels.forBits(VectorKernels.preferredBits())}) {
            int m = 30, n = 20, kk = 10;
            try (OpCounter.Region r = OpCounter.open()) {
                k.gemm(false, false, m, n, kk, new float[m * kk], 0, kk, new float[kk * n], 0, n,
                        0f, new float[m * n], 0, n);
                assertEquals((long) m * n * kk, r.macs(), k.name());
                assertEquals(0, r.flops(), k.name());
                assertEquals(4L * (m * kk + kk * n + m * n), r.bytes(), k.name());
            }
        }
    }

    @Test
    void regionsNestAndFreezeOnClose() {
        OpCounter.Region outer = OpCounter.open();
        OpCounter.record(5, 1, 2);
        try (OpCounter.Region inner = OpCounter.open()) {
            OpCounter.record(10, 0, 0);
            assertEquals(10, inner.macs());
            inner.close();
            OpCounter.record(1, 0, 0);
            assertEquals(10, inner.macs());
        }
        outer.close();
        assertEquals(16, outer.macs());
        assertEquals(1, outer.flops());
        assertEquals(2, outer.bytes());
        assertEquals(2 * 16 + 1, outer.work().totalFlops());
    }

    @Test
    void workOnPoolWorkersCountsInTheCallersRegion() {
        Parallel.setThreads(2);
        try (OpCounter.Region r = OpCounter.open()) {
            Parallel.parallelFor(8, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    OpCounter.record(100, 3, 7);
                }
            });
            assertEquals(800, r.macs());
            assertEquals(24, r.flops());
            assertEquals(56, r.bytes());
        }
    }

    @Test
    void elementwiseKernelsRecordFlopsNotMacs() {
        Kernels k = Kernels.get();
        float[] x = new float[100];
        try (OpCounter.Region r = OpCounter.open()) {
            k.add(x, 0, x, 0, x, 0, 100);
            k.axpy(2f, x, 0, x, 0, 100);
            assertEquals(100, r.macs());
            assertEquals(100, r.flops());
            assertEquals(2400, r.bytes());
        }
    }

    @Test
    void threadsTakingTurnsEachKeepTheirOwnCounts() throws Exception {
        try (OpCounter.Region mine = OpCounter.open()) {
            for (int round = 0; round < 3; round++) {
                OpCounter.record(1, 0, 0);
                long[] other = new long[1];
                Thread t = new Thread(() -> {
                    try (OpCounter.Region theirs = OpCounter.open()) {
                        OpCounter.record(1000, 0, 0);
                        other[0] = theirs.macs();
                    }
                });
                t.start();
                t.join();
                assertEquals(1000, other[0]);
                OpCounter.record(1, 0, 0);
            }
            assertEquals(6, mine.macs());
        }
    }
}
