package dev.joule.models;

import dev.joule.nn.KvCache;
import java.util.List;

/**
 * The step state of {@link CharTransformer}: one {@link KvCache} per layer (keys and values
 * {@code [B, H, seqLen, dh]}, preallocated) and the number of positions consumed, which is also the index
 * of the next position embedding. Memory and per-step work grow with the text; at {@code seqLen}
 * positions the cache is full and the model refuses another step.
 */
public final class TransformerCache implements StepState {
    private final List<KvCache> layers;
    private final int batch;
    private final int capacity;
    private int length;

    TransformerCache(int batch, int capacity, List<KvCache> layers) {
        this.batch = batch;
        this.capacity = capacity;
        this.layers = List.copyOf(layers);
    }

    @Override
    public int batch() {
        return batch;
    }

    /** Positions consumed so far. */
    public int length() {
        return length;
    }

    /** Positions the cache can hold: the model's context {@code seqLen}. */
    public int capacity() {
        return capacity;
    }

    /** Keys and values of every layer at the filled positions: {@code 2·L·length·d}. */
    @Override
    public long floatsPerStream() {
        long n = 0;
        for (KvCache c : layers) {
            n += c.floatsPerStream();
        }
        return n;
    }

    /** What the preallocated arrays hold per stream: {@code 2·L·seqLen·d}. */
    public long allocatedFloatsPerStream() {
        long n = 0;
        for (KvCache c : layers) {
            n += c.allocatedFloatsPerStream();
        }
        return n;
    }

    @Override
    public boolean constantSize() {
        return false;
    }

    @Override
    public int remainingSteps() {
        return capacity - length;
    }

    /** A deep copy of every layer's cache and the position. */
    public TransformerCache copy() {
        List<KvCache> copied = new java.util.ArrayList<>(layers.size());
        for (KvCache c : layers) {
            copied.add(c.copy());
        }
        TransformerCache t = new TransformerCache(batch, capacity, copied);
        t.length = length;
        return t;
    }

    KvCache layer(int i) {
        return layers.get(i);
    }

    void advance() {
        length++;
    }
}
