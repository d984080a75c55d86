package dev.joule.train;

import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Evaluation sets as lazy sequences of batches, so a whole test split never sits in memory as floats. */
public final class EvalSets {
    private EvalSets() {}

    /** Every example of {@code data} in order, {@code batchSize} at a time (the last batch may be smaller). */
    public static Iterable<Batch> inOrder(Dataset data, int batchSize) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < data.size();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(data.size(), next + batchSize);
                Batch b = data.range(next, end);
                next = end;
                return b;
            }
        };
    }
}
