package dev.joule.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak memory of the process while a piece of work runs, sampled every {@value #INTERVAL_MILLIS} ms
 * on a daemon thread (and once at start and close):
 * <ul>
 *   <li>heap: bytes in use on the JVM heap (live objects and garbage not yet collected), so Joule's
 *       weights and activations, but not ONNX Runtime's native buffers;</li>
 *   <li>RSS: the resident set of the whole process from {@code /proc/self/status} (VmRSS): JVM heap
 *       pages touched, native libraries and ONNX Runtime's arena; -1 where {@code /proc} is absent.</li>
 * </ul>
 * A spike shorter than the interval can be missed. The sampler's own cost is one small file read per
 * sample.
 */
final class MemorySampler implements AutoCloseable {
    static final long INTERVAL_MILLIS = 10;
    private static final Path STATUS = Path.of("/proc/self/status");

    /**
     * Peaks and the values at start, in bytes (RSS -1 when unknown). {@code peakLiveHeapBytes}: the most
     * heap in use right after any garbage collection during the work, closer to the live set than the
     * raw peak (garbage included); -1 when no collection ran.
     */
    record Peak(long startHeapBytes, long peakHeapBytes, long peakLiveHeapBytes, long startRssBytes, long peakRssBytes) {}

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong(-1);
    private final AtomicLong peakLive = new AtomicLong(-1);
    private final Map<String, Long> lastGcIds = new ConcurrentHashMap<>();
    private final Set<String> heapPools = heapPoolNames();
    private final long startHeap;
    private final long startRss;
    private final Thread thread;
    private volatile boolean running = true;

    private MemorySampler() {
        startHeap = heapUsed();
        startRss = statusBytes("VmRSS:");
        peakHeap.set(startHeap);
        peakRss.set(startRss);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            lastGcIds.put(gc.getName(), lastGcId(gc));
        }
        thread = new Thread(this::loop, "memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    static MemorySampler start() {
        return new MemorySampler();
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        peakHeap.accumulateAndGet(heapUsed(), Math::max);
        long rss = statusBytes("VmRSS:");
        if (rss >= 0) {
            peakRss.accumulateAndGet(rss, Math::max);
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean g && g.getLastGcInfo() != null) {
                GcInfo info = g.getLastGcInfo();
                Long seen = lastGcIds.put(gc.getName(), info.getId());
                if (seen == null || seen != info.getId()) {
                    long after = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
                        after += heapPools.contains(e.getKey()) ? e.getValue().getUsed() : 0;
                    }
                    peakLive.accumulateAndGet(after, Math::max);
                }
            }
        }
    }

    private static long lastGcId(GarbageCollectorMXBean gc) {
        return gc instanceof com.sun.management.GarbageCollectorMXBean g && g.getLastGcInfo() != null
                ? g.getLastGcInfo().getId() : -1;
    }

    private static Set<String> heapPoolNames() {
        Set<String> names = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                names.add(pool.getName());
            }
        }
        return names;
    }

    private long heapUsed() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Stops sampling (one last sample first) and returns the peaks. */
    Peak stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        return new Peak(startHeap, peakHeap.get(), peakLive.get(), startRss, peakRss.get());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    /**
     * The process's high-water mark of resident memory since it started (VmHWM), or -1 where unknown.
     * The kernel updates VmHWM lazily, so it can trail the current VmRSS; the larger of the two is returned.
     */
    static long processPeakRssBytes() {
        return Math.max(statusBytes("VmHWM:"), statusBytes("VmRSS:"));
    }

    /** {@link #processPeakRssBytes()}, raised to the highest RSS any of {@code samples} saw. */
    static long processPeakRssBytes(java.util.List<Peak> samples) {
        long peak = processPeakRssBytes();
        for (Peak p : samples) {
            peak = Math.max(peak, p.peakRssBytes());
        }
        return peak;
    }

    /** A "Key:   1234 kB" line of /proc/self/status in bytes, or -1. */
    static long statusBytes(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
