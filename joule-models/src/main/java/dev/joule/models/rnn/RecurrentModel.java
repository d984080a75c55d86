package dev.joule.models.rnn;

import dev.joule.autograd.Var;
import dev.joule.models.StepModel;
import dev.joule.tensor.Tensor;

/**
 * A model that can also run one time step at a time with a fixed-size state: O(1) work and memory per
 * step, whatever the length of the prefix (streaming generation, {@code joule generate}).
 *
 * <p>Running {@link #step} over every position of an input gives the same outputs as {@link #forward} on
 * the whole sequence (the parallel or BPTT training form), up to float rounding.
 *
 * <p>The {@link StepModel} whose state has constant size; the Transformer is the other kind, with a growing
 * key/value cache.
 */
public interface RecurrentModel extends StepModel<RecurrentState> {

    /** Zero state for {@code batch} independent streams. */
    @Override
    RecurrentState initialState(int batch);

    /**
     * Consumes one time step and advances {@code state} in place. {@code xT} is {@code [B, inputDim]} (one image
     * row) for fashion-mnist, or {@code [B]} token ids as floats for token tasks. Returns the output after
     * this step: class logits {@code [B, classes]} or next-token logits {@code [B, vocab]}.
     */
    @Override
    Var step(RecurrentState state, Tensor xT);

    @Override
    default RecurrentState copyState(RecurrentState state) {
        return state.copy();
    }
}
