package dev.joule.compress.prune;

import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.models.ModelConfig;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;

/** A learnable toy classification set for fine-tuning tests: 6 features, the label is the arg-max of the first 3. */
final class TinyTask implements Dataset {
    static final int FEATURES = 6;
    static final int CLASSES = 3;
    private final float[][] x;
    private final int[] y;

    TinyTask(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        x = new float[size][FEATURES];
        y = new int[size];
        for (int i = 0; i < size; i++) {
            int best = 0;
            for (int f = 0; f < FEATURES; f++) {
                x[i][f] = (float) rng.nextGaussian();
                if (f < CLASSES && x[i][f] > x[i][best]) {
                    best = f;
                }
            }
            y[i] = best;
        }
    }

    /** An MLP config for this task: 6 inputs, {@code hidden} ReLU units, 3 classes. */
    static ModelConfig mlp(int hidden) {
        return new ModelConfig("mlp", ModelConfig.FASHION_MNIST, FEATURES, 1, 0, CLASSES, 0, 0, 1, 0, hidden, 0f);
    }

    @Override
    public int size() {
        return y.length;
    }

    @Override
    public Batch batch(int[] indices) {
        float[] in = new float[indices.length * FEATURES];
        int[] targets = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(x[indices[i]], 0, in, i * FEATURES, FEATURES);
            targets[i] = y[indices[i]];
        }
        return new Batch(Tensor.of(in, indices.length, FEATURES), targets);
    }
}
