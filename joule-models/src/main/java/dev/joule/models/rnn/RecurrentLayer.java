package dev.joule.models.rnn;

import dev.joule.autograd.Var;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;

/** One recurrent layer with its two forms: the whole sequence (training) and one step (inference). */
abstract class RecurrentLayer extends Module {

    /** {@code x [B, T, I]} → every hidden state {@code [B, T, H]}, from a zero state. */
    abstract Var forwardSequence(Var x);

    /** {@code x [B, I]} → {@code h [B, H]}; replaces the entries of {@code state} with the new state. */
    abstract Var step(Var x, Tensor[] state);

    /** The zero state for {@code batch} streams. */
    abstract Tensor[] initialState(int batch);

    /** Multiply-accumulates of one step for one stream. */
    abstract long macsPerStep();

    @Override
    public Var forward(Var x) {
        return forwardSequence(x);
    }
}
