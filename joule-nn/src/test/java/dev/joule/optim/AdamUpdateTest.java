package dev.joule.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.joule.kernel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Vector API update must equal the scalar reference bit for bit, at odd lengths and offsets. */
class AdamUpdateTest {

    private static float[] random(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    @Test
    void vectorMatchesScalarBitForBit() {
        SplittableRandom rng = new SplittableRandom(11);
        AdamUpdate.Coefficients c = new AdamUpdate.Coefficients(0.9f, 0.999f, 1e-8f, 1.3e-3f, 1.7f, 0.9999f, 0.01f);
        for (int n : new int[] {1, 7, 15, 16, 17, 63, 100, 257, 1031}) {
            int pOff = n % 5;
            int gOff = n % 3;
            float[] p = random(rng, n + pOff, 1);
            float[] g = random(rng, n + gOff, 0.1);
            float[] m = random(rng, n, 0.01);
            float[] v = random(rng, n, 0.01);
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] p2 = p.clone();
            float[] m2 = m.clone();
            float[] v2 = v.clone();
            int done = AdamUpdateVector.apply(p, pOff, g, gOff, m, v, 0, n, c);
            AdamUpdate.scalar(p, pOff, g, gOff, m, v, done, n, c);
            AdamUpdate.scalar(p2, pOff, g, gOff, m2, v2, 0, n, c);
            assertArrayEquals(p2, p, "p, n = " + n);
            assertArrayEquals(m2, m, "m, n = " + n);
            assertArrayEquals(v2, v, "v, n = " + n);
        }
    }

    /** Large tensors are updated in parallel chunks; the result must not depend on that or on the thread count. */
    @Test
    void chunkedParallelUpdateMatchesScalarBitForBit() {
        SplittableRandom rng = new SplittableRandom(12);
        AdamUpdate.Coefficients c = new AdamUpdate.Coefficients(0.9f, 0.999f, 1e-8f, 1e-3f, 1.2f, 0.99f, 0f);
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int n : new int[] {2 * AdamUpdate.CHUNK + 17, 3 * AdamUpdate.CHUNK}) {
                    float[] p = random(rng, n + 3, 1);
                    float[] g = random(rng, n + 1, 0.1);
                    float[] m = random(rng, n, 0.01);
                    float[] v = random(rng, n, 0.01);
                    for (int i = 0; i < n; i++) {
                        v[i] = Math.abs(v[i]);
                    }
                    float[] p2 = p.clone();
                    float[] m2 = m.clone();
                    float[] v2 = v.clone();
                    AdamUpdate.apply(p, 3, g, 1, m, v, n, c);
                    AdamUpdate.scalar(p2, 3, g, 1, m2, v2, 0, n, c);
                    assertArrayEquals(p2, p, "p, n = " + n + ", threads = " + threads);
                    assertArrayEquals(m2, m, "m, n = " + n + ", threads = " + threads);
                    assertArrayEquals(v2, v, "v, n = " + n + ", threads = " + threads);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
