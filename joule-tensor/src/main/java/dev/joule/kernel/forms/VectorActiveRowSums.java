package dev.joule.kernel.forms;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API weighted row sums. Active rows are taken four at a time: one pass over {@code y} loads
 * each output vector once, adds four rows with FMAs and stores it once (a quarter of the {@code y}
 * traffic of one axpy per row); one to three leftover rows get a single-row pass. Every pass ends
 * with a scalar tail over the last {@code out mod lanes} outputs.
 *
 * <p>Only load this class once {@code jdk.incubator.vector} is known to be readable (through
 * {@link #create()}, called only when the dense kernels chose the Vector API).
 */
final class VectorActiveRowSums implements ActiveRowSums {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorActiveRowSums() {}

    /** The vector sums at the CPU's preferred width; needs {@code --add-modules jdk.incubator.vector}. */
    static ActiveRowSums create() {
        return new VectorActiveRowSums();
    }

    @Override
    public String name() {
        return "vector " + SPECIES.vectorBitSize() + "-bit";
    }

    @Override
    public void sum(float[] wt, int out, int[] active, float[] alpha, int count, float[] y, int yOff) {
        Arrays.fill(y, yOff, yOff + out, 0f);
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            addFourRows(wt, out, active[k] * out, active[k + 1] * out, active[k + 2] * out, active[k + 3] * out,
                    alpha[k], alpha[k + 1], alpha[k + 2], alpha[k + 3], y, yOff);
        }
        for (; k < count; k++) {
            addRow(wt, out, active[k] * out, alpha[k], y, yOff);
        }
    }

    private static void addFourRows(float[] wt, int out, int r0, int r1, int r2, int r3,
                                    float a0, float a1, float a2, float a3, float[] y, int yOff) {
        FloatVector v0 = FloatVector.broadcast(SPECIES, a0);
        FloatVector v1 = FloatVector.broadcast(SPECIES, a1);
        FloatVector v2 = FloatVector.broadcast(SPECIES, a2);
        FloatVector v3 = FloatVector.broadcast(SPECIES, a3);
        int o = 0;
        for (int bound = SPECIES.loopBound(out); o < bound; o += SPECIES.length()) {
            FloatVector acc = FloatVector.fromArray(SPECIES, y, yOff + o);
            acc = FloatVector.fromArray(SPECIES, wt, r0 + o).fma(v0, acc);
            acc = FloatVector.fromArray(SPECIES, wt, r1 + o).fma(v1, acc);
            acc = FloatVector.fromArray(SPECIES, wt, r2 + o).fma(v2, acc);
            acc = FloatVector.fromArray(SPECIES, wt, r3 + o).fma(v3, acc);
            acc.intoArray(y, yOff + o);
        }
        for (; o < out; o++) {
            y[yOff + o] += a0 * wt[r0 + o] + a1 * wt[r1 + o] + a2 * wt[r2 + o] + a3 * wt[r3 + o];
        }
    }

    private static void addRow(float[] wt, int out, int r, float a, float[] y, int yOff) {
        FloatVector v = FloatVector.broadcast(SPECIES, a);
        int o = 0;
        for (int bound = SPECIES.loopBound(out); o < bound; o += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, wt, r + o).fma(v, FloatVector.fromArray(SPECIES, y, yOff + o))
                    .intoArray(y, yOff + o);
        }
        for (; o < out; o++) {
            y[yOff + o] += a * wt[r + o];
        }
    }
}
