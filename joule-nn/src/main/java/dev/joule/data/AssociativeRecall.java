package dev.joule.data;

import java.util.SplittableRandom;

/**
 * Associative recall: {@code n} key-value pairs, then one of the keys again; the model must answer
 * its value (scored only there).
 *
 * <pre>
 * sequence: k1 v1 k2 v2 ... kn vn q v(q)      keys are distinct within a sequence
 * tokens: keys 0 .. K-1, values K .. K+V-1
 * inputs = sequence[0 .. 2n+1)   targets = IGNORE ... IGNORE v(q)
 * </pre>
 */
public final class AssociativeRecall extends TokenTask {
    private final int pairs;
    private final int numKeys;
    private final int numValues;

    public AssociativeRecall(int pairs, int numKeys, int numValues, long seed, int size) {
        super(seed, size);
        if (pairs <= 0 || pairs > numKeys || numValues <= 0) {
            throw new IllegalArgumentException("associative recall needs 0 < pairs (" + pairs + ") <= keys ("
                    + numKeys + ") and a positive number of values (" + numValues + ")");
        }
        this.pairs = pairs;
        this.numKeys = numKeys;
        this.numValues = numValues;
    }

    /** The default small task: 4 pairs over 8 keys and 8 values (vocabulary 16, T 9). */
    public static AssociativeRecall small(long seed, int size) {
        return new AssociativeRecall(4, 8, 8, seed, size);
    }

    @Override
    public int vocabSize() {
        return numKeys + numValues;
    }

    @Override
    public int sequenceLength() {
        return 2 * pairs + 1;
    }

    @Override
    protected void example(SplittableRandom rng, int[] inputs, int[] targets) {
        int[] keys = new int[numKeys];
        for (int i = 0; i < numKeys; i++) {
            keys[i] = i;
        }
        for (int i = 0; i < pairs; i++) {
            int j = i + rng.nextInt(numKeys - i);
            int t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        int[] values = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            values[i] = numKeys + rng.nextInt(numValues);
            inputs[2 * i] = keys[i];
            inputs[2 * i + 1] = values[i];
        }
        int q = rng.nextInt(pairs);
        inputs[2 * pairs] = keys[q];
        java.util.Arrays.fill(targets, Batch.IGNORE);
        targets[2 * pairs] = values[q];
    }
}
