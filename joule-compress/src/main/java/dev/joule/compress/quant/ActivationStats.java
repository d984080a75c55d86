package dev.joule.compress.quant;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Running max |x| and a uniform reservoir sample of |x| (Vitter's algorithm R) over every value seen. */
final class ActivationStats {
    private final float[] reservoir;
    private final SplittableRandom rng;
    private long seen;
    private float absMax;

    ActivationStats(int capacity, long seed) {
        this.reservoir = new float[capacity];
        this.rng = new SplittableRandom(seed);
    }

    void add(float[] x, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            float a = Math.abs(x[i]);
            if (a > absMax) {
                absMax = a;
            }
            if (seen < reservoir.length) {
                reservoir[(int) seen] = a;
            } else {
                long j = rng.nextLong(seen + 1);
                if (j < reservoir.length) {
                    reservoir[(int) j] = a;
                }
            }
            seen++;
        }
    }

    float absMax() {
        return absMax;
    }

    float[] sample() {
        return Arrays.copyOf(reservoir, (int) Math.min(seen, reservoir.length));
    }
}
