package dev.joule.data;

/** A finite, indexable set of examples; {@link #batch} stacks the chosen ones in the given order. */
public interface Dataset {
    int size();

    Batch batch(int[] indices);

    /** Examples {@code [from, to)} in order: the evaluation path. */
    default Batch range(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return batch(idx);
    }
}
