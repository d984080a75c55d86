package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.VectorKernels;
import dev.joule.kernel.VectorMath;
import dev.joule.tensor.OpCounter;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The selective scan of one batch row with the vector lanes across channels instead of across states: the
 * row's state is kept state-major ({@code [N][E]}, A transposed to match), so a vector holds one state n of
 * {@code L} consecutive channels. Every per-channel quantity (y, ∂u, ∂dt, the decays, ∂A) is then a vertical
 * operation with no horizontal reduction; only ∂B and ∂C, which sum over channels, are reduced, once per
 * position and state. Used by {@link SsmOps} when the vector kernels are active and L divides E; checkpoints
 * every {@link SsmOps#CHECKPOINT} positions, backward recomputes a chunk, as on the scalar path.
 */
final class SsmLanes {
    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(((VectorKernels) Kernels.get()).bits()));
    private static final int L = SPECIES.length();

    private final float[] u;
    private final float[] dt;
    private final float[] aT;
    private final float[] b;
    private final float[] c;
    private final int time;
    private final int width;
    private final int states;
    private final int plane;
    private final int chunks;

    /** {@code a [E, N]} is transposed to {@code aT [N, E]} once per call. */
    SsmLanes(float[] u, float[] dt, float[] a, float[] b, float[] c, int time, int width, int states) {
        this.u = u;
        this.dt = dt;
        this.b = b;
        this.c = c;
        this.time = time;
        this.width = width;
        this.states = states;
        this.plane = width * states;
        this.chunks = (time + SsmOps.CHECKPOINT - 1) / SsmOps.CHECKPOINT;
        this.aT = new float[plane];
        for (int e = 0; e < width; e++) {
            for (int n = 0; n < states; n++) {
                aT[n * width + e] = a[e * states + n];
            }
        }
    }

    static boolean fits(int width) {
        return SsmRows.get() instanceof SsmRowsVector && width % L == 0;
    }

    /**
     * Position {@code t} of row {@code row}: states at {@code h[hOff ..]} from those at {@code prevOff} (−1:
     * zeros), decays into {@code decay[decOff ..]} when {@code decay} is not null, outputs into {@code y} when
     * not null. All arrays state-major {@code [N][E]}.
     */
    void position(int row, int t, float[] h, int hOff, int prevOff, float[] decay, int decOff, float[] y) {
        int bt = row * time + t;
        int eOff = bt * width;
        int nOff = bt * states;
        for (int i = 0; i < width; i += L) {
            FloatVector step = FloatVector.fromArray(SPECIES, dt, eOff + i);
            FloatVector in = step.mul(FloatVector.fromArray(SPECIES, u, eOff + i));
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int n = 0; n < states; n++) {
                int k = n * width + i;
                FloatVector dec = VectorMath.exp(FloatVector.fromArray(SPECIES, aT, k).mul(step));
                if (decay != null) {
                    dec.intoArray(decay, decOff + k);
                }
                FloatVector input = in.mul(b[nOff + n]);
                FloatVector next = prevOff < 0 ? input : dec.fma(FloatVector.fromArray(SPECIES, h, prevOff + k), input);
                next.intoArray(h, hOff + k);
                acc = next.fma(FloatVector.broadcast(SPECIES, c[nOff + n]), acc);
            }
            if (y != null) {
                acc.intoArray(y, eOff + i);
            }
        }
        OpCounter.record(3L * plane, 2L * plane, 12L * plane);
    }

    /** Forward over one row: outputs, and the state before every checkpoint position when {@code saved} is set. */
    void forwardRow(int row, float[] y, float[] saved, float[] h) {
        for (int t = 0; t < time; t++) {
            if (saved != null && t % SsmOps.CHECKPOINT == 0) {
                System.arraycopy(h, 0, saved, (row * chunks + t / SsmOps.CHECKPOINT) * plane, plane);
            }
            position(row, t, h, 0, t == 0 ? -1 : 0, null, 0, y);
        }
    }

    /** Scratch of one backward worker. */
    final class Work {
        final float[] hs = new float[(SsmOps.CHECKPOINT + 1) * plane];
        final float[] decay = new float[SsmOps.CHECKPOINT * plane];
        final float[] carry = new float[plane];
        final float[] gcLanes = new float[states * L];
        final float[] gbLanes = new float[states * L];
    }

    Work work() {
        return new Work();
    }

    /** Reverse recurrence over one row; ∂A goes to {@code gaT} state-major ({@code [N][E]}, this row's block). */
    void backwardRow(int row, float[] gy, float[] saved, float[] gu, float[] gdt, float[] gaT, int gaOff, float[] gb,
            float[] gc, Work w) {
        java.util.Arrays.fill(w.carry, 0f);
        for (int k = chunks - 1; k >= 0; k--) {
            int t0 = k * SsmOps.CHECKPOINT;
            int len = Math.min(SsmOps.CHECKPOINT, time - t0);
            System.arraycopy(saved, (row * chunks + k) * plane, w.hs, 0, plane);
            for (int j = 0; j < len; j++) {
                position(row, t0 + j, w.hs, (j + 1) * plane, t0 + j == 0 ? -1 : j * plane, w.decay, j * plane, null);
            }
            for (int j = len - 1; j >= 0; j--) {
                reverse(row, t0 + j, j, gy, gu, gdt, gaT, gaOff, gb, gc, w);
            }
        }
    }

    private void reverse(int row, int t, int j, float[] gy, float[] gu, float[] gdt, float[] gaT, int gaOff,
            float[] gb, float[] gc, Work w) {
        int bt = row * time + t;
        int eOff = bt * width;
        int nOff = bt * states;
        int cur = (j + 1) * plane;
        int prev = t == 0 ? -1 : j * plane;
        int dOff = j * plane;
        for (int i = 0; i < width; i += L) {
            FloatVector g = FloatVector.fromArray(SPECIES, gy, eOff + i);
            FloatVector step = FloatVector.fromArray(SPECIES, dt, eOff + i);
            FloatVector x = FloatVector.fromArray(SPECIES, u, eOff + i);
            FloatVector stepX = step.mul(x);
            FloatVector sumDecay = FloatVector.zero(SPECIES);
            FloatVector sumB = FloatVector.zero(SPECIES);
            for (int n = 0; n < states; n++) {
                int k = n * width + i;
                int lane = n * L;
                FloatVector h = FloatVector.fromArray(SPECIES, w.hs, cur + k);
                FloatVector.fromArray(SPECIES, w.gcLanes, lane).add(g.mul(h)).intoArray(w.gcLanes, lane);
                FloatVector delta = g.mul(c[nOff + n]).add(FloatVector.fromArray(SPECIES, w.carry, k));
                sumB = delta.fma(FloatVector.broadcast(SPECIES, b[nOff + n]), sumB);
                FloatVector.fromArray(SPECIES, w.gbLanes, lane).add(delta.mul(stepX)).intoArray(w.gbLanes, lane);
                FloatVector dec = FloatVector.fromArray(SPECIES, w.decay, dOff + k);
                if (prev >= 0) {
                    FloatVector gDecay = delta.mul(FloatVector.fromArray(SPECIES, w.hs, prev + k)).mul(dec);
                    sumDecay = gDecay.fma(FloatVector.fromArray(SPECIES, aT, k), sumDecay);
                    FloatVector.fromArray(SPECIES, gaT, gaOff + k).add(gDecay.mul(step)).intoArray(gaT, gaOff + k);
                }
                dec.mul(delta).intoArray(w.carry, k);
            }
            step.mul(sumB).intoArray(gu, eOff + i);
            x.fma(sumB, sumDecay).intoArray(gdt, eOff + i);
        }
        for (int n = 0; n < states; n++) {
            int lane = n * L;
            gc[nOff + n] += FloatVector.fromArray(SPECIES, w.gcLanes, lane).reduceLanes(VectorOperators.ADD);
            gb[nOff + n] += FloatVector.fromArray(SPECIES, w.gbLanes, lane).reduceLanes(VectorOperators.ADD);
        }
        java.util.Arrays.fill(w.gcLanes, 0f);
        java.util.Arrays.fill(w.gbLanes, 0f);
    }
}
