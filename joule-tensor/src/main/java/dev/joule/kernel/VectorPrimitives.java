package dev.joule.kernel;

import dev.joule.tensor.OpCounter;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the elementwise and reduction kernels. Every loop has the same shape:
 * full vectors first, then a scalar tail; reductions keep two accumulators and reduce once.
 *
 * <p>The species comes from {@link #species()}, implemented by one final subclass per width that
 * returns a {@code static final} constant, so C2 folds it (see {@link VectorKernels}).
 */
abstract class VectorPrimitives extends ScalarKernels {

    protected abstract VectorSpecies<Float> species();

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        OpCounter.record(n, 0, 8L * n);
        return dotUncounted(x, xOff, y, yOff, n);
    }

    final float dotUncounted(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector s0 = FloatVector.zero(sp);
        FloatVector s1 = FloatVector.zero(sp);
        int i = 0;
        for (int bound = n - 2 * vl; i <= bound; i += 2 * vl) {
            s0 = FloatVector.fromArray(sp, x, xOff + i).fma(FloatVector.fromArray(sp, y, yOff + i), s0);
            s1 = FloatVector.fromArray(sp, x, xOff + i + vl).fma(FloatVector.fromArray(sp, y, yOff + i + vl), s1);
        }
        if (i <= n - vl) {
            s0 = FloatVector.fromArray(sp, x, xOff + i).fma(FloatVector.fromArray(sp, y, yOff + i), s0);
            i += vl;
        }
        float s = VectorMath.sum(s0.add(s1));
        for (; i < n; i++) {
            s += x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        OpCounter.record(n, 0, 12L * n);
        VectorSpecies<Float> sp = species();
        FloatVector av = FloatVector.broadcast(sp, alpha);
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector.fromArray(sp, x, xOff + i).fma(av, FloatVector.fromArray(sp, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 12L * n);
        VectorSpecies<Float> sp = species();
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector.fromArray(sp, x, xOff + i).add(FloatVector.fromArray(sp, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] + y[yOff + i];
        }
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 12L * n);
        VectorSpecies<Float> sp = species();
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector.fromArray(sp, x, xOff + i).sub(FloatVector.fromArray(sp, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] - y[yOff + i];
        }
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 12L * n);
        VectorSpecies<Float> sp = species();
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector.fromArray(sp, x, xOff + i).mul(FloatVector.fromArray(sp, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 8L * n);
        VectorSpecies<Float> sp = species();
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector.fromArray(sp, x, xOff + i).mul(alpha).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = alpha * x[xOff + i];
        }
    }

    @Override
    public void addScalar(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 8L * n);
        VectorSpecies<Float> sp = species();
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector.fromArray(sp, x, xOff + i).add(alpha).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] + alpha;
        }
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        OpCounter.record(0, n, 4L * n);
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        FloatVector s0 = FloatVector.zero(sp);
        FloatVector s1 = FloatVector.zero(sp);
        int i = 0;
        for (int bound = n - 2 * vl; i <= bound; i += 2 * vl) {
            s0 = s0.add(FloatVector.fromArray(sp, x, xOff + i));
            s1 = s1.add(FloatVector.fromArray(sp, x, xOff + i + vl));
        }
        float s = VectorMath.sum(s0.add(s1));
        for (; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        checkNonEmpty(n, "max");
        OpCounter.record(0, n, 4L * n);
        VectorSpecies<Float> sp = species();
        float m = x[xOff];
        int i = 0;
        if (n >= sp.length()) {
            FloatVector mv = FloatVector.fromArray(sp, x, xOff);
            for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
                mv = mv.max(FloatVector.fromArray(sp, x, xOff + i));
            }
            m = mv.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    @Override
    public float expShiftInPlace(float[] x, int xOff, int n, float shift) {
        OpCounter.record(0, 3L * n, 8L * n);
        VectorSpecies<Float> sp = species();
        FloatVector total = FloatVector.zero(sp);
        int i = 0;
        for (int bound = sp.loopBound(n); i < bound; i += sp.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(sp, x, xOff + i).sub(shift));
            e.intoArray(x, xOff + i);
            total = total.add(e);
        }
        float s = VectorMath.sum(total);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - shift);
            x[xOff + i] = e;
            s += e;
        }
        return s;
    }
}
