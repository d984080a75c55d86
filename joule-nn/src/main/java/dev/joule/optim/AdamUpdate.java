package dev.joule.optim;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;

/**
 * The fused Adam/AdamW update over one flat parameter array (see {@link AdamW} for the equations):
 * one pass reads p, g, m, v and writes p, m, v. The scalar loop is the reference; a Vector API twin
 * ({@link AdamUpdateVector}) is used when the engine runs vector kernels. Both use the same operation
 * order without fused multiply-adds, so they agree bit for bit.
 */
final class AdamUpdate {
    /** Decided once; the vector class is loaded only when the Vector API module is in use. */
    static final boolean VECTOR = Kernels.get().name().startsWith("vector");

    private AdamUpdate() {}

    /** Coefficients of one step: {@code p ← p·decay − stepSize · m / (sqrt(v)·invSqrtBc2 + eps)}, {@code g += l2·p}. */
    record Coefficients(float beta1, float beta2, float eps, float stepSize, float invSqrtBc2, float decay, float l2) {}

    /**
     * Elements per parallel chunk. A multiple of every vector length, so each element takes the same
     * vector-or-tail path whatever the thread count, and the result is identical bit for bit.
     */
    static final int CHUNK = 1 << 14;

    static void apply(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n, Coefficients c) {
        if (n < 2 * CHUNK) {
            range(p, pOff, g, gOff, m, v, 0, n, c);
            return;
        }
        // Memory-bound: a 200k-parameter layer's update is a visible share of a small model's step.
        Parallel.parallelFor((n + CHUNK - 1) / CHUNK, 1, (c0, c1) ->
                range(p, pOff, g, gOff, m, v, c0 * CHUNK, Math.min(c1 * CHUNK, n), c));
    }

    private static void range(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int from, int to,
            Coefficients c) {
        int done = VECTOR ? AdamUpdateVector.apply(p, pOff, g, gOff, m, v, from, to, c) : from;
        scalar(p, pOff, g, gOff, m, v, done, to, c);
    }

    /** Elements {@code [from, n)}: the reference. */
    static void scalar(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int from, int n,
            Coefficients c) {
        float b1 = c.beta1();
        float b2 = c.beta2();
        float ob1 = 1f - b1;
        float ob2 = 1f - b2;
        for (int j = from; j < n; j++) {
            float w = p[pOff + j];
            float gj = g[gOff + j] + c.l2() * w;
            float mj = b1 * m[j] + ob1 * gj;
            float vj = b2 * v[j] + ob2 * (gj * gj);
            m[j] = mj;
            v[j] = vj;
            float denom = (float) Math.sqrt(vj) * c.invSqrtBc2() + c.eps();
            p[pOff + j] = w * c.decay() - c.stepSize() * mj / denom;
        }
    }
}
