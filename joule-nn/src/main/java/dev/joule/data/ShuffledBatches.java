package dev.joule.data;

import java.util.SplittableRandom;

/**
 * Epochs over a {@link Dataset}: a fresh seeded permutation per epoch, cut into batches; the last
 * batch of an epoch holds the remainder (PyTorch's DataLoader default), so an epoch sees every example.
 */
public final class ShuffledBatches implements BatchStream {
    private final Dataset dataset;
    private final int batchSize;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    public ShuffledBatches(Dataset dataset, int batchSize, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    @Override
    public long batchesPerEpoch() {
        return (dataset.size() + batchSize - 1) / batchSize;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public Batch batch(long epoch, long index) {
        if (index < 0 || index >= batchesPerEpoch()) {
            throw new IndexOutOfBoundsException("batch " + index + " of an epoch of " + batchesPerEpoch());
        }
        int[] order = order(epoch);
        int from = (int) index * batchSize;
        int[] idx = new int[Math.min(batchSize, order.length - from)];
        System.arraycopy(order, from, idx, 0, idx.length);
        return dataset.batch(idx);
    }

    /** The permutation of epoch {@code epoch} (Fisher-Yates with a generator derived from seed and epoch). */
    public int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            int n = dataset.size();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            SplittableRandom rng = Seeds.random(seed, epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            cachedOrder = order;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
