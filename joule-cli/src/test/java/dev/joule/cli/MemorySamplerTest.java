package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemorySamplerTest {
    private static volatile byte[] keep;

    @Test
    void peakHeapSeesALargeAllocationAndRssComesFromProc() throws Exception {
        MemorySampler.Peak p;
        try (MemorySampler s = MemorySampler.start()) {
            keep = new byte[64 << 20];
            System.gc(); // keep is live across this collection: the live peak must see it
            java.util.Arrays.fill(keep, (byte) 1); // touch the pages so they are resident
            Thread.sleep(4 * MemorySampler.INTERVAL_MILLIS);
            p = s.stop();
        }
        assertTrue(keep.length > 0);
        assertTrue(p.peakLiveHeapBytes() >= (64L << 20), p.toString());
        assertTrue(p.peakHeapBytes() >= p.startHeapBytes() + (60L << 20) || p.peakHeapBytes() >= (64L << 20), p.toString());
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(p.startRssBytes() > 0 && p.peakRssBytes() >= p.startRssBytes(), p.toString());
            assertTrue(MemorySampler.processPeakRssBytes(java.util.List.of(p)) >= p.peakRssBytes(), p.toString());
        }
        keep = null;
    }

    @Test
    void unknownStatusKeyIsMinusOne() {
        assertTrue(MemorySampler.statusBytes("NoSuchKey:") == -1);
    }
}
