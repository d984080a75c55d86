package dev.joule.data;

import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * A synthetic sequence task shaped like language modelling: inputs [B, T] token ids, targets [B*T]
 * with {@link Batch#IGNORE} everywhere except the positions that test the skill. Example {@code i} is
 * generated from (seed, i) alone, so the task needs no data and is the same on every machine.
 */
public abstract class TokenTask implements Dataset {
    private final long seed;
    private final int size;

    protected TokenTask(long seed, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a task needs at least one example, got " + size);
        }
        this.seed = seed;
        this.size = size;
    }

    public abstract int vocabSize();

    /** T: the length of each input row. */
    public abstract int sequenceLength();

    /** Fills one example: {@code inputs[T]} and {@code targets[T]} (IGNORE where not scored). */
    protected abstract void example(SplittableRandom rng, int[] inputs, int[] targets);

    @Override
    public int size() {
        return size;
    }

    public long seed() {
        return seed;
    }

    @Override
    public Batch batch(int[] indices) {
        int t = sequenceLength();
        float[] x = new float[indices.length * t];
        int[] y = new int[indices.length * t];
        int[] in = new int[t];
        int[] out = new int[t];
        for (int b = 0; b < indices.length; b++) {
            if (indices[b] < 0 || indices[b] >= size) {
                throw new IndexOutOfBoundsException("example " + indices[b] + " of " + size);
            }
            example(Seeds.random(seed, indices[b]), in, out);
            for (int i = 0; i < t; i++) {
                x[b * t + i] = in[i];
                y[b * t + i] = out[i];
            }
        }
        return new Batch(Tensor.of(x, indices.length, t), y);
    }
}
