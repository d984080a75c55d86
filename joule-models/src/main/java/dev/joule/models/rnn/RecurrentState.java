package dev.joule.models.rnn;

import dev.joule.models.StepState;
import dev.joule.tensor.Tensor;
import java.util.List;

/**
 * The carried state of a {@link RecurrentModel}: per layer, the tensors its step reads and replaces
 * (LSTM {@code h, c}; GRU, minGRU, minLSTM {@code h}), each {@code [B, H]}. Its size is fixed however many
 * steps are taken ({@link #constantSize()}).
 */
public final class RecurrentState implements StepState {
    private final int batch;
    private final List<Tensor[]> layers;

    RecurrentState(int batch, List<Tensor[]> layers) {
        this.batch = batch;
        this.layers = layers;
    }

    @Override
    public int batch() {
        return batch;
    }

    /** Layer {@code i}'s slots; a step replaces the entries. */
    Tensor[] layer(int i) {
        return layers.get(i);
    }

    /** Floats held per stream: the model's whole inference memory besides its weights. */
    @Override
    public long floatsPerStream() {
        long n = 0;
        for (Tensor[] slots : layers) {
            for (Tensor t : slots) {
                n += t.size();
            }
        }
        return n / Math.max(1, batch);
    }

    /** A deep copy: every slot's tensor is copied, so steps on either state leave the other alone. */
    public RecurrentState copy() {
        List<Tensor[]> copied = new java.util.ArrayList<>(layers.size());
        for (Tensor[] slots : layers) {
            Tensor[] c = new Tensor[slots.length];
            for (int i = 0; i < slots.length; i++) {
                c[i] = slots[i] == null ? null : slots[i].copy();
            }
            copied.add(c);
        }
        return new RecurrentState(batch, copied);
    }

    @Override
    public boolean constantSize() {
        return true;
    }
}
