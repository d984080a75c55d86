package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.VectorKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Wkv5Rows} on the Vector API at the engine's width. Forward and advance walk the state in column blocks
 * of one vector: within a block, the v and y slices stay in registers while the rows stream past. Backward goes
 * row by row so that its two dot products per row need one horizontal sum each. Columns beyond the last full
 * block are scalar. A head of 16 channels is one 512-bit block. Only built when the vector kernels are
 * active.
 */
final class Wkv5RowsVector extends Wkv5Rows {
    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(((VectorKernels) Kernels.get()).bits()));
    private static final int LANES = SPECIES.length();

    @Override
    void forward(float[] s, int sOff, float[] r, float[] k, float[] v, float[] y, int at, float[] w, int hw, int n) {
        int bound = SPECIES.loopBound(n);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, at + j);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, at + j);
            for (int i = 0; i < n; i++) {
                int cell = sOff + i * n + j;
                FloatVector sv = FloatVector.fromArray(SPECIES, s, cell);
                yv = sv.fma(FloatVector.broadcast(SPECIES, r[at + i]), yv);
                sv.fma(FloatVector.broadcast(SPECIES, w[hw + i]), vv.mul(k[at + i])).intoArray(s, cell);
            }
            yv.intoArray(y, at + j);
        }
        for (int i = 0; i < n && bound < n; i++) {
            float ri = r[at + i];
            float wi = w[hw + i];
            float ki = k[at + i];
            for (int j = bound; j < n; j++) {
                int cell = sOff + i * n + j;
                float sij = s[cell];
                y[at + j] += ri * sij;
                s[cell] = wi * sij + ki * v[at + j];
            }
        }
    }

    @Override
    void advance(float[] s, int srcOff, int dstOff, float[] k, float[] v, int at, float[] w, int hw, int n) {
        int bound = SPECIES.loopBound(n);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector vv = FloatVector.fromArray(SPECIES, v, at + j);
            for (int i = 0; i < n; i++) {
                FloatVector.fromArray(SPECIES, s, srcOff + i * n + j)
                        .fma(FloatVector.broadcast(SPECIES, w[hw + i]), vv.mul(k[at + i]))
                        .intoArray(s, dstOff + i * n + j);
            }
        }
        for (int i = 0; i < n && bound < n; i++) {
            float wi = w[hw + i];
            float ki = k[at + i];
            for (int j = bound; j < n; j++) {
                s[dstOff + i * n + j] = wi * s[srcOff + i * n + j] + ki * v[at + j];
            }
        }
    }

    /** Row by row (one pair of reductions per row, however many column blocks), the tail columns scalar. */
    @Override
    void backward(float[] s, int sOff, float[] d, float[] r, float[] k, float[] v, float[] g, int at, float[] w,
            int hw, float[] gr, float[] gk, float[] gv, float[] gw, int n) {
        int bound = SPECIES.loopBound(n);
        for (int i = 0; i < n; i++) {
            float ri = r[at + i];
            float wi = w[hw + i];
            float ki = k[at + i];
            FloatVector rv = FloatVector.broadcast(SPECIES, ri);
            FloatVector wv = FloatVector.broadcast(SPECIES, wi);
            FloatVector kv = FloatVector.broadcast(SPECIES, ki);
            FloatVector accR = FloatVector.zero(SPECIES);
            FloatVector accK = FloatVector.zero(SPECIES);
            int row = i * n;
            int j = 0;
            for (; j < bound; j += LANES) {
                FloatVector dv = FloatVector.fromArray(SPECIES, d, row + j);
                FloatVector sv = FloatVector.fromArray(SPECIES, s, sOff + row + j);
                FloatVector gyv = FloatVector.fromArray(SPECIES, g, at + j);
                accR = gyv.fma(sv, accR);
                accK = dv.fma(FloatVector.fromArray(SPECIES, v, at + j), accK);
                dv.fma(sv, FloatVector.fromArray(SPECIES, gw, row + j)).intoArray(gw, row + j);
                dv.fma(kv, FloatVector.fromArray(SPECIES, gv, at + j)).intoArray(gv, at + j);
                dv.fma(wv, gyv.mul(rv)).intoArray(d, row + j);
            }
            float dr = accR.reduceLanes(VectorOperators.ADD);
            float dk = accK.reduceLanes(VectorOperators.ADD);
            for (; j < n; j++) {
                float dij = d[row + j];
                float sij = s[sOff + row + j];
                dr += g[at + j] * sij;
                dk += dij * v[at + j];
                gw[row + j] += dij * sij;
                gv[at + j] += dij * ki;
                d[row + j] = wi * dij + ri * g[at + j];
            }
            gr[at + i] += dr;
            gk[at + i] += dk;
        }
    }
}
