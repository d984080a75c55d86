package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.VectorKernels;
import dev.joule.kernel.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exact GELU with the Vector API, at the width the engine's kernels chose. GELU sits on the
 * feed-forward activations of every transformer block, so a scalar {@code Math.exp} per element per
 * pass costs more than the layer's matrix products.
 *
 * <pre>
 *   z = |x|/√2,  t = 1/(1 + z/2),  erfc(z) = t·exp(−z² + P(t))    (Numerical Recipes' Chebyshev fit, see {@link Erf})
 *   Φ(x) = 1 − erfc(z)/2 for x ≥ 0, erfc(z)/2 otherwise;  gelu = x·Φ(x)
 *   gelu'(x) = Φ(x) + x·exp(−x²/2)/√(2π)
 * </pre>
 * Evaluated in f32 the result stays within ~3e-7 of Φ (the fit is 1.2e-7; the rest is rounding).
 * Only touch this class when {@link ActivationOps#vectorGelu()} says the vector kernels are active:
 * initialising it needs the {@code jdk.incubator.vector} module and the vector kernels.
 */
final class GeluVector {
    private GeluVector() {}

    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(((VectorKernels) Kernels.get()).bits()));

    private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    /** Elements per parallel block: a multiple of every vector width, so only the last block has a scalar tail. */
    private static final int BLOCK = 64;
    /** Blocks per parallel chunk: at least ~32k elements each. */
    private static final int GRAIN_BLOCKS = (1 << 15) / BLOCK;

    /**
     * out = x·Φ(x) and cdf = Φ(x) over {@code n} elements, split across {@link Parallel}'s threads at
     * block boundaries: every element takes the same path (vector or tail) whatever the thread count.
     * {@code cdf} may be null (inference: Φ is only kept for a backward pass).
     */
    static void forward(float[] x, int xo, float[] out, float[] cdf, int n) {
        Parallel.parallelFor((n + BLOCK - 1) / BLOCK, GRAIN_BLOCKS,
                (b0, b1) -> forwardRange(x, xo, out, cdf, b0 * BLOCK, Math.min(n, b1 * BLOCK)));
    }

    /**
     * {@code a[off + i] = gelu(a[off + i])} for {@code i < n}, on the calling thread (a fused epilogue
     * runs inside a parallel section already). Inference only: Φ from {@link #normalCdfRational}, within
     * 3e-7·(1 + |x|) of {@link #forward}'s, at under half the cost; the scalar tail uses {@link Erf}.
     */
    static void inPlace(float[] a, int off, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, off + i);
            v.mul(normalCdfRational(v)).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            float v = a[off + i];
            a[off + i] = v * (float) (0.5 * (1.0 + Erf.erf(v * INV_SQRT2)));
        }
    }

    private static void forwardRange(float[] x, int xo, float[] out, float[] cdf, int from, int to) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xo + i);
            FloatVector phi = normalCdf(v);
            if (cdf != null) {
                phi.intoArray(cdf, i);
            }
            v.mul(phi).intoArray(out, i);
        }
        for (; i < to; i++) {
            float v = x[xo + i];
            float phi = (float) (0.5 * (1.0 + Erf.erf(v * INV_SQRT2)));
            if (cdf != null) {
                cdf[i] = phi;
            }
            out[i] = v * phi;
        }
    }

    /**
     * Φ(v) = (1 + erf(v/√2)) / 2 with erf(z) ≈ z·P(z²)/Q(z²) on |z| ≤ 4 (z clamped; erf(4) = 1 − 1.5e-8):
     * a rational fit made for Joule (docs/fits/erf-rational.py: P of degree 6 and Q of degree 5 in z²,
     * weighted least squares iterated towards minimax on [0, 4]), 3e-9 from erf in exact arithmetic,
     * 1.6e-7 from Φ evaluated in f32. About 18 lane operations against ~45 for {@link #normalCdf} (whose exp dominates), so the
     * fused inference epilogue ({@link #inPlace}) takes it; the absolute error is as small, but in the
     * far negative tail (Φ below ~1e-7) it keeps no relative accuracy, so training keeps the erfc form.
     */
    private static FloatVector normalCdfRational(FloatVector v) {
        FloatVector z = v.mul(INV_SQRT2).max(-4f).min(4f);
        FloatVector t = z.mul(z);
        FloatVector p = t.fma(-1.369502289e-08f, 4.787317721e-06f);
        p = p.fma(t, FloatVector.broadcast(SPECIES, 3.828986373e-04f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 3.837558208e-03f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 5.432957783e-02f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 1.846421808e-01f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 1.128379226e+00f));
        FloatVector q = t.fma(6.407477485e-05f, 1.309462823e-03f);
        q = q.fma(t, FloatVector.broadcast(SPECIES, 1.545025501e-02f));
        q = q.fma(t, FloatVector.broadcast(SPECIES, 1.138034686e-01f));
        q = q.fma(t, FloatVector.broadcast(SPECIES, 4.969684184e-01f));
        q = q.fma(t, ONE);
        return z.mul(p).div(q).fma(0.5f, 0.5f);
    }

    /** Φ(v) lane by lane; kept small so that C2 inlines and intrinsifies every vector call in it. */
    private static FloatVector normalCdf(FloatVector v) {
        FloatVector z = v.abs().mul(INV_SQRT2);
        FloatVector t = z.mul(0.5f).add(1f);
        t = ONE.div(t);
        // Horner steps as FMAs (one rounding each instead of two).
        FloatVector p = t.fma(0.17087277f, -0.82215223f);
        p = p.fma(t, FloatVector.broadcast(SPECIES, 1.48851587f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, -1.13520398f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 0.27886807f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, -0.18628806f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 0.09678418f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 0.37409196f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, 1.00002368f));
        p = p.fma(t, FloatVector.broadcast(SPECIES, -1.26551223f));
        FloatVector halfErfc = t.mul(VectorMath.exp(z.neg().fma(z, p))).mul(0.5f);
        // Φ = 1 − h for x > 0 and h for x < 0. The step s is computed without a mask (masks and blends
        // are not intrinsified reliably on JDK 17): s = clamp(x·1e30, 0, 1) is 1 for x ≥ 1e-30, 0 for
        // x ≤ 0, and only fractional where h = 0.5 to f32 precision, so either branch is exact there.
        FloatVector step = v.mul(1e30f).max(0f).min(1f);
        return step.fma(halfErfc.fma(-2f, 1f), halfErfc);
    }

    /** dx += g · (Φ(x) + x·φ(x)) with Φ saved by {@link #forward}; split across threads as the forward. */
    static void backward(float[] x, int xo, float[] cdf, float[] g, int go, float[] dx, int dxo, int n) {
        Parallel.parallelFor((n + BLOCK - 1) / BLOCK, GRAIN_BLOCKS,
                (b0, b1) -> backwardRange(x, xo, cdf, g, go, dx, dxo, b0 * BLOCK, Math.min(n, b1 * BLOCK)));
    }

    private static void backwardRange(float[] x, int xo, float[] cdf, float[] g, int go, float[] dx, int dxo,
                                      int from, int to) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xo + i);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector d = v.fma(pdf, FloatVector.fromArray(SPECIES, cdf, i));
            FloatVector acc = FloatVector.fromArray(SPECIES, dx, dxo + i);
            FloatVector.fromArray(SPECIES, g, go + i).fma(d, acc).intoArray(dx, dxo + i);
        }
        for (; i < to; i++) {
            float v = x[xo + i];
            float pdf = (float) (INV_SQRT_2PI * Math.exp(-0.5 * v * v));
            dx[dxo + i] += g[go + i] * (cdf[i] + v * pdf);
        }
    }
}
