package dev.joule.models;

import dev.joule.autograd.Var;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;

/**
 * A model that can consume a sequence one step at a time, carrying a state between steps: the interface
 * {@code joule generate}, {@link StreamingSampler} and {@code joule bench-generate} use for every sequence model.
 * Recurrent models ({@link dev.joule.models.rnn.RecurrentModel}) carry a fixed-size state, O(1) work and memory
 * per step; the causal Transformer ({@link CharTransformer}) carries a growing key/value cache
 * ({@link TransformerCache}), O(t) work and memory at step t and at most {@code seqLen} steps.
 *
 * <p>Stepping over every position of an input gives the same outputs as {@link #forward} on the whole
 * sequence, up to float rounding. Steps compute values only; call them under {@link dev.joule.autograd.NoGrad}.
 *
 * @param <S> the state type
 */
public interface StepModel<S extends StepState> extends Model {

    /** An empty state for {@code batch} independent streams. */
    S initialState(int batch);

    /**
     * Consumes one time step and advances {@code state} in place. {@code xT} is {@code [B]} token ids as floats
     * for token tasks (or {@code [B, inputDim]}, one image row, for a recurrent classifier). Returns the output
     * after this step: next-token logits {@code [B, vocab]} (or class logits {@code [B, classes]}).
     *
     * @throws IllegalStateException when {@code state.remainingSteps() == 0} (a full cache)
     */
    Var step(S state, Tensor xT);

    /** An independent deep copy of {@code state}: stepping one does not change the other. */
    S copyState(S state);
}
