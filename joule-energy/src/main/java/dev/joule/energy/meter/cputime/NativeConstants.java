package dev.joule.energy.meter.cputime;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** Clock ticks per second and page size from {@code sysconf}, with Linux's usual values as fallback. */
final class NativeConstants {
    private static final int SC_CLK_TCK = 2;
    private static final int SC_PAGESIZE = 30;
    static final long CLOCK_TICKS_PER_SECOND;
    static final long PAGE_SIZE_BYTES;

    interface LibC extends Library {
        long sysconf(int name);
    }

    static {
        long ticks = 100;
        long page = 4096;
        try {
            LibC libc = Native.load("c", LibC.class);
            long t = libc.sysconf(SC_CLK_TCK);
            long p = libc.sysconf(SC_PAGESIZE);
            ticks = t > 0 ? t : ticks;
            page = p > 0 ? p : page;
        } catch (Throwable e) {
            // No libc through JNA (not Linux, or JNA cannot unpack): the Linux defaults hold on every mainstream kernel.
        }
        CLOCK_TICKS_PER_SECOND = ticks;
        PAGE_SIZE_BYTES = page;
    }

    private NativeConstants() {}
}
