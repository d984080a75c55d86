package dev.joule.data;

import java.util.SplittableRandom;

/**
 * Counter-based seeding: the random numbers for (seed, epoch, batch) come from a generator derived
 * from those numbers alone. A resumed run therefore needs only its position, not a saved generator.
 */
public final class Seeds {
    private Seeds() {}

    /** Mixes {@code seed} with each part through the SplitMix64 finaliser. */
    public static long derive(long seed, long... parts) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h + 0x9E3779B97F4A7C15L + p);
        }
        return h;
    }

    public static SplittableRandom random(long seed, long... parts) {
        return new SplittableRandom(derive(seed, parts));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
