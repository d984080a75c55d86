package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API half of {@link LayerNormRows}, at the active kernels' width. */
final class LayerNormVector {
    private LayerNormVector() {}

    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(((VectorKernels) Kernels.get()).bits()));

    /** One row: v = x (+ r) into y and Σv; Σ(v − μ)²; y = (v − μ) · rstd · γ + β. Sums: lanes, then a fixed tree, then the tail. */
    static void row(float[] x, int xi, float[] r, int ri, int d, float[] gamma, int go, float[] beta, int bo,
                    float eps, float[] y, int yi) {
        int vl = SPECIES.length();
        int bound = SPECIES.loopBound(d);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int j = 0; j < bound; j += vl) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xi + j);
            if (r != null) {
                v = v.add(FloatVector.fromArray(SPECIES, r, ri + j));
            }
            v.intoArray(y, yi + j);
            acc = acc.add(v);
        }
        float sum = VectorMath.sum(acc);
        for (int j = bound; j < d; j++) {
            float v = r == null ? x[xi + j] : x[xi + j] + r[ri + j];
            y[yi + j] = v;
            sum += v;
        }
        float mu = sum / d;
        FloatVector sq = FloatVector.zero(SPECIES);
        for (int j = 0; j < bound; j += vl) {
            FloatVector c = FloatVector.fromArray(SPECIES, y, yi + j).sub(mu);
            sq = c.fma(c, sq);
        }
        float var = VectorMath.sum(sq);
        for (int j = bound; j < d; j++) {
            float c = y[yi + j] - mu;
            var = Math.fma(c, c, var);
        }
        float rs = (float) (1.0 / Math.sqrt(var / d + eps));
        for (int j = 0; j < bound; j += vl) {
            FloatVector c = FloatVector.fromArray(SPECIES, y, yi + j).sub(mu).mul(rs);
            c.mul(FloatVector.fromArray(SPECIES, gamma, go + j)).add(FloatVector.fromArray(SPECIES, beta, bo + j))
                    .intoArray(y, yi + j);
        }
        for (int j = bound; j < d; j++) {
            y[yi + j] = (y[yi + j] - mu) * rs * gamma[go + j] + beta[bo + j];
        }
    }
}
