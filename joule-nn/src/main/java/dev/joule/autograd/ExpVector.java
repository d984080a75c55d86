package dev.joule.autograd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code exp} on a whole vector with plain lane arithmetic (Cephes' expf: x = k·ln 2 + r, |r| ≤ ln 2 / 2, a
 * degree-6 polynomial for e^r, 2^k through the exponent bits): about 1 ulp, and several times faster than
 * {@code lanewise(EXP)}, which leaves the loop for a library call. Inputs are clamped to [−87.3, 88.7], so the
 * result stays a normal float (e^−87.3 ≈ 1.2e−38 stands for anything smaller).
 */
final class ExpVector {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding and subtracting it rounds a float of magnitude below 2²² to the nearest integer. */
    private static final float ROUND = 12582912f;

    private ExpVector() {}

    static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(-87.3f).min(88.7f);
        FloatVector k = v.fma(FloatVector.broadcast(v.species(), LOG2E), FloatVector.broadcast(v.species(), ROUND))
                .sub(ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(v.species(), -LN2_HI), v);
        r = k.fma(FloatVector.broadcast(v.species(), -LN2_LO), r);
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(v.species(), 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(v.species(), 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(v.species(), 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(v.species(), 5.0000001201e-1f));
        FloatVector e = p.mul(r).fma(r, r).add(1f);
        IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return e.mul(bits.reinterpretAsFloats());
    }
}
