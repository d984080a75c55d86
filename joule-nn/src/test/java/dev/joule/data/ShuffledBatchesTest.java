package dev.joule.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShuffledBatchesTest {
    private final TokenTask task = AssociativeRecall.small(1, 103);

    @Test
    void eachEpochIsAPermutationAndSeeded() {
        ShuffledBatches a = new ShuffledBatches(task, 10, 42);
        ShuffledBatches b = new ShuffledBatches(task, 10, 42);
        assertEquals(11, a.batchesPerEpoch(), "103 examples: 10 full batches and one of 3");
        assertEquals(3, a.batch(0, 10).size());
        int[] order0 = a.order(0).clone();
        assertArrayEquals(order0, b.order(0));
        int[] sorted = order0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(order0, a.order(1)));
        assertFalse(Arrays.equals(order0, new ShuffledBatches(task, 10, 43).order(0)));
    }

    @Test
    void batchesAreAddressableInAnyOrder() {
        ShuffledBatches a = new ShuffledBatches(task, 10, 7);
        Batch late = a.batch(3, 5);
        a.batch(0, 0);
        Batch again = new ShuffledBatches(task, 10, 7).batch(3, 5);
        assertArrayEquals(late.inputs().toArray(), again.inputs().toArray());
        assertArrayEquals(late.targets(), again.targets());
    }
}
