package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.VectorKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Wkv5Rows} on the Vector API at the engine's width. The state is walked in column blocks of one vector:
 * within a block, the v (and y, g, ∂v) slices stay in registers while the rows stream past; columns beyond the
 * last full block are scalar. A head of 16 channels is one 512-bit block. Only built when the vector kernels are
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

    @Override
    void backward(float[] s, int sOff, float[] d, float[] r, float[] k, float[] v, float[] g, int at, float[] w,
            int hw, float[] gr, float[] gk, float[] gv, float[] gw, int n) {
        int bound = SPECIES.loopBound(n);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector gyv = FloatVector.fromArray(SPECIES, g, at + j);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, at + j);
            FloatVector gvv = FloatVector.fromArray(SPECIES, gv, at + j);
            for (int i = 0; i < n; i++) {
                int row = i * n + j;
                FloatVector dv = FloatVector.fromArray(SPECIES, d, row);
                FloatVector sv = FloatVector.fromArray(SPECIES, s, sOff + row);
                gr[at + i] += gyv.mul(sv).reduceLanes(VectorOperators.ADD);
                gk[at + i] += dv.mul(vv).reduceLanes(VectorOperators.ADD);
                dv.fma(sv, FloatVector.fromArray(SPECIES, gw, row)).intoArray(gw, row);
                gvv = dv.fma(FloatVector.broadcast(SPECIES, k[at + i]), gvv);
                dv.fma(FloatVector.broadcast(SPECIES, w[hw + i]), gyv.mul(r[at + i])).intoArray(d, row);
            }
            gvv.intoArray(gv, at + j);
        }
        for (int i = 0; i < n && bound < n; i++) {
            float ri = r[at + i];
            float wi = w[hw + i];
            float ki = k[at + i];
            float dr = 0f;
            float dk = 0f;
            for (int j = bound; j < n; j++) {
                int row = i * n + j;
                float dij = d[row];
                float sij = s[sOff + row];
                dr += g[at + j] * sij;
                dk += dij * v[at + j];
                gw[row] += dij * sij;
                gv[at + j] += dij * ki;
                d[row] = wi * dij + ri * g[at + j];
            }
            gr[at + i] += dr;
            gk[at + i] += dk;
        }
    }
}
