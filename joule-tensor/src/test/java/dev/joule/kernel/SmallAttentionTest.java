package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SmallAttention} (the active kernels, and the scalar path) against attention computed in
 * double precision: 1 to 19 queries and keys (sentence lengths around a vector's width), head sizes
 * below, at and above a vector (7, 16, 32, 33), rows read from an interleaved layout with a stride,
 * an additive mask that blanks some keys, and the padding lanes left at −∞.
 */
class SmallAttentionTest {
    private static final int[] HEAD_DIMS = {7, 16, 32, 33};

    @Test
    void activeKernelsMatchDoublePrecisionAttention() {
        check(false);
    }

    @Test
    void scalarPathMatchesDoublePrecisionAttention() {
        check(true);
    }

    private static void check(boolean scalar) {
        SplittableRandom rnd = new SplittableRandom(61);
        for (int dh : HEAD_DIMS) {
            for (int tq = 1; tq <= 19; tq += 3) {
                for (int tk = 1; tk <= 19; tk++) {
                    int ld = dh * 3 + 1; // three heads side by side and one spare float: a stride
                    int off = 5;
                    float[] q = random(rnd, off + tq * ld);
                    float[] k = random(rnd, off + tk * ld);
                    float[] v = random(rnd, off + tk * ld);
                    float scale = 0.3f;
                    boolean[] masked = new boolean[tk];
                    for (int j = 1; j < tk; j += 4) {
                        masked[j] = true; // key 0 stays, so no row is all masked
                    }
                    float[] out = new float[off + tq * ld];
                    run(scalar, q, k, v, off, ld, tq, tk, dh, scale, masked, out);
                    String what = (scalar ? "scalar" : Kernels.get().name()) + " tq=" + tq + " tk=" + tk + " dh=" + dh;
                    for (int i = 0; i < tq; i++) {
                        double[] ref = reference(q, k, v, off, ld, i, tk, dh, scale, masked);
                        for (int d = 0; d < dh; d++) {
                            assertEquals(ref[d], out[off + i * ld + d], 1e-5, what + " out[" + i + ", " + d + "]");
                        }
                    }
                    for (int i = 0; i < tq; i++) {
                        for (int d = dh; d < ld; d++) {
                            assertEquals(0f, out[off + i * ld + d], what + ": wrote outside the head at row " + i);
                        }
                    }
                }
            }
        }
    }

    private static void run(boolean scalar, float[] q, float[] k, float[] v, int off, int ld, int tq, int tk, int dh,
                            float scale, boolean[] masked, float[] out) {
        int w = SmallAttention.rowWidth(tk);
        assertTrue(w >= tk);
        float[] s = new float[tq * w];
        float[] kt = new float[SmallAttention.keyScratch(tk, dh)];
        if (scalar) {
            for (int d = 0; d < dh; d++) {
                for (int j = 0; j < w; j++) {
                    kt[d * w + j] = j < tk ? k[off + j * ld + d] : 0f;
                }
            }
            SmallAttention.scoresScalar(q, off, ld, tq, tk, dh, w, kt, s);
            for (int i = 0; i < tq; i++) {
                for (int j = tk; j < w; j++) {
                    s[i * w + j] = Float.NEGATIVE_INFINITY;
                }
            }
        } else {
            SmallAttention.scores(q, off, ld, k, off, ld, tq, tk, dh, kt, s);
            for (int i = 0; i < tq; i++) {
                for (int j = tk; j < w; j++) {
                    assertEquals(Float.NEGATIVE_INFINITY, s[i * w + j], "padding lane " + j);
                }
            }
        }
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                s[i * w + j] = s[i * w + j] * scale + (masked[j] ? Float.NEGATIVE_INFINITY : 0f);
            }
        }
        if (scalar) {
            SmallAttention.softmaxTimesVScalar(s, tq, tk, w, v, off, ld, dh, out, off, ld);
        } else {
            SmallAttention.softmaxTimesV(s, tq, tk, v, off, ld, dh, out, off, ld);
        }
    }

    /**
     * The active kernels' scores (four query rows at a time) equal the scalar one-score-at-a-time
     * loop bit for bit: the same fused multiply-adds over d in the same order, whatever the blocking.
     */
    @Test
    void activeScoresEqualTheScalarLoopBitForBit() {
        SplittableRandom rnd = new SplittableRandom(62);
        for (int dh : HEAD_DIMS) {
            for (int tq = 1; tq <= 13; tq++) {
                int tk = 3 + 2 * tq;
                int ld = dh + 2;
                float[] q = random(rnd, tq * ld);
                float[] k = random(rnd, tk * ld);
                int w = SmallAttention.rowWidth(tk);
                float[] kt = new float[SmallAttention.keyScratch(tk, dh)];
                float[] got = new float[tq * w];
                SmallAttention.scores(q, 0, ld, k, 0, ld, tq, tk, dh, kt, got);
                float[] want = new float[tq * w];
                SmallAttention.scoresScalar(q, 0, ld, tq, tk, dh, w, kt, want);
                for (int i = 0; i < tq; i++) {
                    for (int j = 0; j < tk; j++) {
                        assertEquals(Float.floatToRawIntBits(want[i * w + j]), Float.floatToRawIntBits(got[i * w + j]),
                                "tq=" + tq + " dh=" + dh + " s[" + i + ", " + j + "]");
                    }
                }
            }
        }
    }

    private static double[] reference(float[] q, float[] k, float[] v, int off, int ld, int i, int tk, int dh,
                                      float scale, boolean[] masked) {
        double[] p = new double[tk];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tk; j++) {
            double dot = 0;
            for (int d = 0; d < dh; d++) {
                dot += (double) q[off + i * ld + d] * k[off + j * ld + d];
            }
            p[j] = masked[j] ? Double.NEGATIVE_INFINITY : dot * scale;
            max = Math.max(max, p[j]);
        }
        double total = 0;
        for (int j = 0; j < tk; j++) {
            p[j] = Math.exp(p[j] - max);
            total += p[j];
        }
        double[] out = new double[dh];
        for (int d = 0; d < dh; d++) {
            for (int j = 0; j < tk; j++) {
                out[d] += p[j] / total * v[off + j * ld + d];
            }
        }
        return out;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
