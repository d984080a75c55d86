package dev.joule.energy.meter.cputime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemInfoTest {
    @TempDir
    Path tmp;

    private Path write(String relative, String content) throws IOException {
        Path file = tmp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void containerOf32GibOnA1TibHostCountsThe32Gib() throws IOException {
        write("proc/meminfo", "MemTotal:       1073741824 kB\nMemFree: 1 kB\n");
        write("proc/self/cgroup", "0::/job.slice/train\n");
        write("cg/job.slice/train/memory.max", (32L << 30) + "\n");
        write("proc/cpuinfo", "processor : 0\nmodel name\t: AMD EPYC 7763 64-Core Processor\n");
        SystemInfo info = new SystemInfo(tmp.resolve("proc"), tmp.resolve("cg"));
        assertEquals(32L << 30, info.memoryBytes());
        assertEquals("AMD EPYC 7763 64-Core Processor", info.cpuModel());
    }

    @Test
    void cgroupV1LimitAndUnlimitedV2AreHandled() throws IOException {
        write("proc/meminfo", "MemTotal:       16777216 kB\n");
        write("proc/self/cgroup", "4:memory:/docker/abc\n0::/\n");
        write("cg/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
        write("cg/memory.max", "max\n");
        SystemInfo info = new SystemInfo(tmp.resolve("proc"), tmp.resolve("cg"));
        assertEquals(16L << 30, info.memoryBytes());
    }

    @Test
    void cpuQuotaCapsTheAllottedCpus() throws IOException {
        write("proc/self/cgroup", "0::/box\n");
        write("cg/box/cpu.max", "50000 100000\n");
        SystemInfo info = new SystemInfo(tmp.resolve("proc"), tmp.resolve("cg"));
        assertEquals(0.5, info.allottedCpus(), 1e-9);
    }
}
