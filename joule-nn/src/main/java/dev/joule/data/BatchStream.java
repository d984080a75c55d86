package dev.joule.data;

/**
 * The training batches of a run, addressed by position: batch {@code index} of {@code epoch} is the
 * same every time it is asked for, so a run resumed at (epoch, index) sees exactly what it would have.
 */
public interface BatchStream {
    long batchesPerEpoch();

    Batch batch(long epoch, long index);

    /** Examples per batch (for samples/second). */
    int batchSize();
}
