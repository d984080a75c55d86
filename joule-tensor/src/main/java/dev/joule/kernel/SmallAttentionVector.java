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

    /**
     * Score rows, one vector of keys at a time: s[i, jv] = Σ_d q[i, d] · kt[d, jv] (kt: keys transposed,
     * w wide). Four query rows at a time share each key load and give four independent FMA chains (one
     * row alone waits on the FMA latency 32 times per vector); each score still sums over d in order,
     * so the bits are those of one row at a time.
     */
    static void scores(float[] q, int qOff, int ldq, int tq, int tk, int dh, int w, float[] kt, float[] s) {
        int vl = SPECIES.length();
        int i = 0;
        for (; i + 4 <= tq; i += 4) {
            int q0 = qOff + i * ldq;
            int q1 = q0 + ldq;
            int q2 = q1 + ldq;
            int q3 = q2 + ldq;
            for (int j = 0; j < w; j += vl) {
                FloatVector a0 = FloatVector.zero(SPECIES);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int d = 0; d < dh; d++) {
                    FloatVector kv = FloatVector.fromArray(SPECIES, kt, d * w + j);
                    a0 = FloatVector.broadcast(SPECIES, q[q0 + d]).fma(kv, a0);
                    a1 = FloatVector.broadcast(SPECIES, q[q1 + d]).fma(kv, a1);
                    a2 = FloatVector.broadcast(SPECIES, q[q2 + d]).fma(kv, a2);
                    a3 = FloatVector.broadcast(SPECIES, q[q3 + d]).fma(kv, a3);
                }
                a0.intoArray(s, i * w + j);
                a1.intoArray(s, (i + 1) * w + j);
                a2.intoArray(s, (i + 2) * w + j);
                a3.intoArray(s, (i + 3) * w + j);
            }
        }
        for (; i < tq; i++) {
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

    /**
     * Softmax per row over whole vectors (padding lanes are −∞), then the rows times V, four rows at a
     * time (shared V loads, independent FMA chains; each output sums over j in order, as one row alone).
     */
    static void softmaxTimesV(float[] s, int tq, int tk, int w, float[] v, int vOff, int ldv, int dh,
                              float[] out, int outOff, int ldo) {
        for (int i = 0; i < tq; i++) {
            softmaxRow(s, i * w, w);
        }
        int vl = SPECIES.length();
        int dhVec = SPECIES.loopBound(dh);
        int i = 0;
        for (; i + 4 <= tq; i += 4) {
            int r0 = i * w;
            int r1 = r0 + w;
            int r2 = r1 + w;
            int r3 = r2 + w;
            int o = outOff + i * ldo;
            for (int d = 0; d < dhVec; d += vl) {
                FloatVector a0 = FloatVector.zero(SPECIES);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int j = 0; j < tk; j++) {
                    FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + j * ldv + d);
                    a0 = FloatVector.broadcast(SPECIES, s[r0 + j]).fma(vv, a0);
                    a1 = FloatVector.broadcast(SPECIES, s[r1 + j]).fma(vv, a1);
                    a2 = FloatVector.broadcast(SPECIES, s[r2 + j]).fma(vv, a2);
                    a3 = FloatVector.broadcast(SPECIES, s[r3 + j]).fma(vv, a3);
                }
                a0.intoArray(out, o + d);
                a1.intoArray(out, o + ldo + d);
                a2.intoArray(out, o + 2 * ldo + d);
                a3.intoArray(out, o + 3 * ldo + d);
            }
            for (int r = 0; r < 4; r++) {
                timesVTail(s, (i + r) * w, tk, v, vOff, ldv, dhVec, dh, out, o + r * ldo);
            }
        }
        for (; i < tq; i++) {
            int row = i * w;
            int o = outOff + i * ldo;
            for (int d = 0; d < dhVec; d += vl) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int j = 0; j < tk; j++) {
                    acc = FloatVector.broadcast(SPECIES, s[row + j]).fma(FloatVector.fromArray(SPECIES, v, vOff + j * ldv + d), acc);
                }
                acc.intoArray(out, o + d);
            }
            timesVTail(s, row, tk, v, vOff, ldv, dhVec, dh, out, o);
        }
    }

    /** {@link SmallAttention#scaleAndAdd} over whole vectors; returns where the scalar tail starts. */
    static int scaleAndAdd(float[] s, int row, int n, float scale, float[] m, int mo) {
        int bound = SPECIES.loopBound(n);
        for (int j = 0; j < bound; j += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, s, row + j).mul(scale);
            if (m != null) {
                v = v.add(FloatVector.fromArray(SPECIES, m, mo + j));
            }
            v.intoArray(s, row + j);
        }
        return bound;
    }

    /** One row's softmax in place: e^(s − max) over whole vectors, then scaled by 1 / Σ. */
    private static void softmaxRow(float[] s, int row, int w) {
        int vl = SPECIES.length();
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
    }

    /** Output columns {@code dhVec .. dh} of one row (dh not a whole number of vectors). */
    private static void timesVTail(float[] s, int row, int tk, float[] v, int vOff, int ldv, int dhVec, int dh,
                                   float[] out, int o) {
        for (int d = dhVec; d < dh; d++) {
            float acc = 0f;
            for (int j = 0; j < tk; j++) {
                acc = Math.fma(s[row + j], v[vOff + j * ldv + d], acc);
            }
            out[o + d] = acc;
        }
    }
}
