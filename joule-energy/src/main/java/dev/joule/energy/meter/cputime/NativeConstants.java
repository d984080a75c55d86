package dev.joule.energy.meter.cputime;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Clock ticks per second and page size, read without native calls (JNA would make JDK 24+ print
 * restricted-method warnings on every start).
 */
final class NativeConstants {
    /**
     * USER_HZ, the unit of /proc/PID/stat times: 100 on every architecture Linux runs today, and part
     * of the user-space ABI, so it does not change with the kernel's internal HZ.
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;
    static final long PAGE_SIZE_BYTES = pageSize();

    private NativeConstants() {}

    /** The first {@code KernelPageSize} of /proc/self/smaps (4 KiB on x86, 4, 16 or 64 KiB on arm64). */
    private static long pageSize() {
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/self/smaps"))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("KernelPageSize:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc hidden: fall through to the common value.
        }
        return 4096;
    }
}
