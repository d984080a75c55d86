package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API half of {@link SmallAttention}, at the active kernels' width (a {@code static final}
 * species, so C2 folds it). Only loaded when {@link Kernels#get()} is a {@link VectorKernels}.
 */
final class SmallAttentionVector {
    private SmallAttentionVector() {}

    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(((VectorKernels) Kernels.get()).bits()));

    /** Score rows, one vector of keys at a time: s[i, jv] = Σ_d q[i, d] · kt[d, jv] (kt: keys transposed, w wide). */
    static void scores(float[] q, int qOff, int ldq, int tq, int tk, int dh, int w, float[] kt, float[] s) {
        int vl = SPECIES.length();
        for (int i = 0; i < tq; i++) {
            int qi = qOff + i * ldq;
            for (int j = 0; j < w; j += vl) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int d = 0; d < dh; d++) {
                    acc = FloatVector.broadcast(SPECIES, q[qi + d]).fma(FloatVector.fromArray(SPECIES, kt, d * w + j), acc);
                }
                acc.intoArray(s, i * w + j);
            }
        }
    }

    /** Softmax per row over whole vectors (padding lanes are −∞), then the rows times V. */
    static void softmaxTimesV(float[] s, int tq, int tk, int w, float[] v, int vOff, int ldv, int dh,
                              float[] out, int outOff, int ldo) {
        int vl = SPECIES.length();
        int dhVec = SPECIES.loopBound(dh);
        for (int i = 0; i < tq; i++) {
            int row = i * w;
            FloatVector mx = FloatVector.fromArray(SPECIES, s, row);
            for (int j = vl; j < w; j += vl) {
                mx = mx.max(FloatVector.fromArray(SPECIES, s, row + j));
            }
            float max = mx.reduceLanes(VectorOperators.MAX);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int j = 0; j < w; j += vl) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, s, row + j).sub(max));
                e.intoArray(s, row + j);
                sum = sum.add(e);
            }
            float inv = 1f / VectorMath.sum(sum);
            for (int j = 0; j < w; j += vl) {
                FloatVector.fromArray(SPECIES, s, row + j).mul(inv).intoArray(s, row + j);
            }
            int o = outOff + i * ldo;
            for (int d = 0; d < dhVec; d += vl) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int j = 0; j < tk; j++) {
                    acc = FloatVector.broadcast(SPECIES, s[row + j]).fma(FloatVector.fromArray(SPECIES, v, vOff + j * ldv + d), acc);
                }
                acc.intoArray(out, o + d);
            }
            for (int d = dhVec; d < dh; d++) {
                float acc = 0f;
                for (int j = 0; j < tk; j++) {
                    acc = Math.fma(s[row + j], v[vOff + j * ldv + d], acc);
                }
                out[o + d] = acc;
            }
        }
    }
}
