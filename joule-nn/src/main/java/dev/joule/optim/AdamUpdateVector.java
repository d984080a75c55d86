package dev.joule.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API body of {@link AdamUpdate}: full vectors only; the caller finishes the tail in scalar code. */
final class AdamUpdateVector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private AdamUpdateVector() {}

    /** Updates elements {@code [from, from + k)} for the largest multiple k of the vector length that fits before {@code to}; returns {@code from + k}. */
    static int apply(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int from, int to,
            AdamUpdate.Coefficients c) {
        float b1 = c.beta1();
        float b2 = c.beta2();
        float ob1 = 1f - b1;
        float ob2 = 1f - b2;
        int bound = from + SPECIES.loopBound(to - from);
        for (int j = from; j < bound; j += SPECIES.length()) {
            FloatVector w = FloatVector.fromArray(SPECIES, p, pOff + j);
            FloatVector gj = FloatVector.fromArray(SPECIES, g, gOff + j).add(w.mul(c.l2()));
            FloatVector mj = FloatVector.fromArray(SPECIES, m, j).mul(b1).add(gj.mul(ob1));
            FloatVector vj = FloatVector.fromArray(SPECIES, v, j).mul(b2).add(gj.mul(gj).mul(ob2));
            mj.intoArray(m, j);
            vj.intoArray(v, j);
            FloatVector denom = vj.sqrt().mul(c.invSqrtBc2()).add(c.eps());
            w.mul(c.decay()).sub(mj.mul(c.stepSize()).div(denom)).intoArray(p, pOff + j);
        }
        return bound;
    }
}
