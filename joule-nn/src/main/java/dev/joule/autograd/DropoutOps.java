package dev.joule.autograd;

import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Inverted dropout: kept elements are scaled by 1/(1−p) during training so evaluation needs no rescale. */
final class DropoutOps {
    private DropoutOps() {}

    /** Zeroes each element with probability {@code p}; {@code p == 0} returns {@code a} itself. */
    static Var dropout(Var a, float p, RandomGenerator rng) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        if (p == 0f) {
            return a;
        }
        Tensor av = a.value();
        int n = av.size();
        float[] x = av.data();
        int xo = av.offset();
        float keepScale = p == 1f ? 0f : 1f / (1f - p);
        float[] mask = new float[n];
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float m = rng.nextFloat() >= p ? keepScale : 0f;
            mask[i] = m;
            out[i] = x[xo + i] * m;
        }
        return Var.op(Tensor.of(out, a.shape()), g -> {
            Tensor ga = a.gradBuffer();
            float[] d = ga.data();
            float[] gd = g.data();
            for (int i = 0; i < n; i++) {
                d[ga.offset() + i] += gd[g.offset() + i] * mask[i];
            }
        }, a);
    }
}
