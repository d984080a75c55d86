package dev.joule.nn;

import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Seeded parameter initialisers matching PyTorch's defaults. Filling is sequential, so a seed fixes every value. */
public final class Init {
    private Init() {}

    /** U(-bound, bound): PyTorch's Linear/Conv default uses bound = 1/sqrt(fanIn) for weight and bias. */
    public static Tensor uniform(RandomGenerator rng, float bound, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return t;
    }

    /** N(0, std^2). */
    public static Tensor normal(RandomGenerator rng, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextGaussian() * std);
        }
        return t;
    }

    /** The kaiming-uniform bound PyTorch uses for a layer with {@code fanIn} inputs per output. */
    public static float fanInBound(int fanIn) {
        return (float) (1.0 / Math.sqrt(fanIn));
    }
}
