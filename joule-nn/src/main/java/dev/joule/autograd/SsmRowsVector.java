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
 * {@link SsmRows} on the Vector API at the engine's width: N = 16 states are one 512-bit vector. Reductions
 * happen once after the loop, the tail is scalar. Only built when the vector kernels are active.
 */
final class SsmRowsVector extends SsmRows {
    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(((VectorKernels) Kernels.get()).bits()));

    /** The decays in one pass: load A, multiply by dt, vector exp, store (no separate multiply pass over E·N). */
    @Override
    void decays(float[] dt, int dtOff, float[] a, float[] decay, int out, int width, int n) {
        if (n < SPECIES.length()) {
            super.decays(dt, dtOff, a, decay, out, width, n);
            return;
        }
        OpCounter.record(0, 2L * width * n, 8L * width * n);
        int bound = SPECIES.loopBound(n);
        for (int e = 0; e < width; e++) {
            float step = dt[dtOff + e];
            int row = e * n;
            int i = 0;
            for (; i < bound; i += SPECIES.length()) {
                VectorMath.exp(FloatVector.fromArray(SPECIES, a, row + i).mul(step))
                        .intoArray(decay, out + row + i);
            }
            for (; i < n; i++) {
                decay[out + row + i] = (float) Math.exp(step * a[row + i]);
            }
        }
    }

    @Override
    float forward(float[] h, int hOff, int prevOff, float[] decay, int aOff, float x, float[] b, float[] c, int bOff,
            int n) {
        int bound = SPECIES.loopBound(n);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector input = FloatVector.fromArray(SPECIES, b, bOff + i).mul(x);
            FloatVector next = prevOff < 0 ? input
                    : FloatVector.fromArray(SPECIES, decay, aOff + i).fma(FloatVector.fromArray(SPECIES, h, prevOff + i),
                            input);
            next.intoArray(h, hOff + i);
            acc = FloatVector.fromArray(SPECIES, c, bOff + i).fma(next, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float prev = prevOff < 0 ? 0f : h[prevOff + i];
            float next = decay[aOff + i] * prev + x * b[bOff + i];
            h[hOff + i] = next;
            sum += c[bOff + i] * next;
        }
        return sum;
    }

    @Override
    void backward(float gy, float step, float x, float[] h, int hOff, int prevOff, float[] decay, int decOff,
            float[] a,
            float[] carry, float[] gaRows, int gaOff, int aOff, float[] b, float[] c, float[] gb, float[] gc,
            int bOff, int n, float[] sums) {
        int bound = SPECIES.loopBound(n);
        float stepX = step * x;
        FloatVector sumDecay = FloatVector.zero(SPECIES);
        FloatVector sumB = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            int ai = aOff + i;
            int bi = bOff + i;
            FloatVector gcv = FloatVector.fromArray(SPECIES, gc, bi);
            FloatVector.fromArray(SPECIES, h, hOff + i).mul(gy).add(gcv).intoArray(gc, bi);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector dec = FloatVector.fromArray(SPECIES, decay, decOff + i);
            FloatVector delta = FloatVector.fromArray(SPECIES, c, bi).mul(gy).add(FloatVector.fromArray(SPECIES, carry, ai));
            sumB = delta.fma(bv, sumB);
            FloatVector.fromArray(SPECIES, gb, bi).add(delta.mul(stepX)).intoArray(gb, bi);
            if (prevOff >= 0) {
                FloatVector gDecay = delta.mul(FloatVector.fromArray(SPECIES, h, prevOff + i)).mul(dec);
                sumDecay = gDecay.fma(FloatVector.fromArray(SPECIES, a, ai), sumDecay);
                FloatVector.fromArray(SPECIES, gaRows, gaOff + ai).add(gDecay.mul(step)).intoArray(gaRows, gaOff + ai);
            }
            dec.mul(delta).intoArray(carry, ai);
        }
        float sd = sumDecay.reduceLanes(VectorOperators.ADD);
        float sb = sumB.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            int ai = aOff + i;
            int bi = bOff + i;
            gc[bi] += gy * h[hOff + i];
            float delta = gy * c[bi] + carry[ai];
            float prev = prevOff < 0 ? 0f : h[prevOff + i];
            float gDecay = delta * prev * decay[decOff + i];
            sd += gDecay * a[ai];
            sb += delta * b[bi];
            gaRows[gaOff + ai] += gDecay * step;
            gb[bi] += delta * stepX;
            carry[ai] = decay[decOff + i] * delta;
        }
        sums[0] = sd;
        sums[1] = sb;
    }
}
