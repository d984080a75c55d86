package dev.joule.models.rnn;

import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.tensor.Tensor;

/** A residual block of a block-stack sequence model, in its parallel (training) and step (inference) forms. */
interface StackBlock {
    /** {@code [B, T, d]} → {@code [B, T, d]}. */
    Var forward(Var x);

    /** One position {@code [B, d]} → {@code [B, d]}, advancing {@code state} in place. */
    Var step(Var x, Tensor[] state);

    /** The block's step state for {@code batch} streams, at position 0. */
    Tensor[] initialState(int batch);

    /** Multiply-accumulates per token under {@code config}. */
    long macsPerToken(ModelConfig config);
}
