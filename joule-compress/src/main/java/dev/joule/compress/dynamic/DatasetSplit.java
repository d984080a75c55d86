package dev.joule.compress.dynamic;

import dev.joule.data.Batch;
import dev.joule.data.Dataset;

/** Examples {@code [from, to)} of a dataset as a dataset of their own: how a held-out part of the training set is cut. */
public record DatasetSplit(Dataset source, int from, int to) implements Dataset {
    public DatasetSplit {
        if (from < 0 || to > source.size() || from >= to) {
            throw new IllegalArgumentException("split [" + from + ", " + to + ") does not fit a dataset of " + source.size()
                    + " examples; choose 0 <= from < to <= " + source.size());
        }
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public Batch batch(int[] indices) {
        int[] shifted = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size()) {
                throw new IndexOutOfBoundsException("example " + indices[i] + " of a split of " + size());
            }
            shifted[i] = from + indices[i];
        }
        return source.batch(shifted);
    }
}
