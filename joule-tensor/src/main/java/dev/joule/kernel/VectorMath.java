package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane sums and exponentials that give the same bits however the JVM runs the code. The Vector API
 * allows {@code reduceLanes(ADD)} to add lanes in any order and {@code lanewise(EXP)} to be any
 * close approximation, and HotSpot uses that freedom: interpreted and C1 code add lanes in order and
 * call {@code Math.exp}, C2 code adds them as a tree (JDK 25) and calls its own vector exp, one ulp
 * apart. A result then depends on whether its method was compiled yet, so the same call can differ
 * between two threads, or between a warm and a cold run; the kernels promise results that do not
 * depend on the thread count. These helpers use only exact lane-wise operations in a fixed order.
 *
 * <p>Every vector exp in the engine goes through {@link #exp} (it is also about four times cheaper than
 * the API's). {@link #sum} is used where a reduction closes a long loop (the row kernels' sum and dot,
 * softmax rows); the int8, sparse, gemv and state-space kernels still call {@code reduceLanes(ADD)} once
 * per few vectors, where this tree measured twice as slow (int8 weight-only tiles), so on JDK 25 their
 * results can still differ by an ulp between a cold and a warm run.
 */
public final class VectorMath {
    private VectorMath() {}

    // Swap shuffles of the halving tree, one static final field each: C2 intrinsifies a rearrange only when
    // its shuffle is a constant, and elements of a static final array are not (4x slower int8 tiles).
    private static final VectorShuffle<Float> F128_2 = swap(FloatVector.SPECIES_128, 2);
    private static final VectorShuffle<Float> F128_1 = swap(FloatVector.SPECIES_128, 1);
    private static final VectorShuffle<Float> F256_4 = swap(FloatVector.SPECIES_256, 4);
    private static final VectorShuffle<Float> F256_2 = swap(FloatVector.SPECIES_256, 2);
    private static final VectorShuffle<Float> F256_1 = swap(FloatVector.SPECIES_256, 1);
    private static final VectorShuffle<Float> F512_8 = swap(FloatVector.SPECIES_512, 8);
    private static final VectorShuffle<Float> F512_4 = swap(FloatVector.SPECIES_512, 4);
    private static final VectorShuffle<Float> F512_2 = swap(FloatVector.SPECIES_512, 2);
    private static final VectorShuffle<Float> F512_1 = swap(FloatVector.SPECIES_512, 1);

    private static VectorShuffle<Float> swap(VectorSpecies<Float> sp, int distance) {
        return VectorShuffle.fromOp(sp, i -> i ^ distance);
    }

    /**
     * The sum of {@code v}'s lanes as a fixed halving tree: lane i + L/2 is added to lane i, then i + L/4, ...
     * The same bits whatever the JIT tier.
     */
    public static float sum(FloatVector v) {
        switch (v.length()) {
            case 16:
                v = v.add(v.rearrange(F512_8));
                v = v.add(v.rearrange(F512_4));
                v = v.add(v.rearrange(F512_2));
                return v.add(v.rearrange(F512_1)).lane(0);
            case 8:
                v = v.add(v.rearrange(F256_4));
                v = v.add(v.rearrange(F256_2));
                return v.add(v.rearrange(F256_1)).lane(0);
            case 4:
                v = v.add(v.rearrange(F128_2));
                return v.add(v.rearrange(F128_1)).lane(0);
            default:
                float s = 0f;
                for (int i = 0; i < v.length(); i++) {
                    s += v.lane(i);
                }
                return s;
        }
    }

    /** The sum of {@code v}'s int lanes: exact (wrapping) in any order, so the API's own reduction. */
    public static int sum(IntVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    private static final float LOG2E = 1.44269504f;
    /** ln 2 in two parts (Cody and Waite): n · LN2_HI is exact for |n| < 2^12. */
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 · 2^23: adding it rounds a float of magnitude below 2^22 to an integer, in the low mantissa bits. */
    private static final float ROUND_MAGIC = 12582912f;
    /** e^y below this is under the smallest normal float; such lanes give 0 (as e^−∞ must). */
    private static final float EXP_MIN = -87.3f;
    /** Arguments are clamped here: e^88 ≈ 1.65e38, below the largest float. */
    private static final float EXP_MAX = 88f;

    /**
     * e^y lane by lane for y ≤ 88 (softmax after its shift, the state decays of the state-space scans,
     * the normal density): y = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its degree-7 Taylor polynomial, 2^n
     * put straight into the exponent bits. Within 2 ulp of {@code Math.exp}; lanes below −87.3 (−∞ included)
     * give 0, NaN gives NaN, and arguments above 88 are clamped to 88.
     */
    public static FloatVector exp(FloatVector y) {
        VectorSpecies<Float> sp = y.species();
        FloatVector a = y.max(EXP_MIN).min(EXP_MAX);
        FloatVector shifted = a.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = shifted.sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(sp, -LN2_HI), a);
        r = n.fma(FloatVector.broadcast(sp, -LN2_LO), r);
        FloatVector e = r.fma(1f / 5040f, 1f / 720f);
        e = e.fma(r, FloatVector.broadcast(sp, 1f / 120f));
        e = e.fma(r, FloatVector.broadcast(sp, 1f / 24f));
        e = e.fma(r, FloatVector.broadcast(sp, 1f / 6f));
        e = e.fma(r, FloatVector.broadcast(sp, 0.5f));
        e = e.fma(r, FloatVector.broadcast(sp, 1f));
        e = e.fma(r, FloatVector.broadcast(sp, 1f));
        // 2^n: the integer n (−126..127) sits in the low bits of `shifted`; move it into the exponent field.
        IntVector bits = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC) - 127)
                .lanewise(VectorOperators.LSHL, 23);
        // Lanes below EXP_MIN (−∞ included) are multiplied by 0, without a mask (masks and blends are not
        // intrinsified reliably on JDK 17): the step is 1 from 1e-30 above EXP_MIN up; NaN stays NaN.
        FloatVector step = y.sub(EXP_MIN).mul(1e30f).max(0f).min(1f);
        return e.mul(bits.reinterpretAsFloats()).mul(step);
    }
}
