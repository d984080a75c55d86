package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.RecurrentOps;
import dev.joule.autograd.Var;
import dev.joule.nn.Linear;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * minLSTM (Feng et al. 2024) with normalised gates, the form whose state stays bounded:
 *
 * <pre>
 *   [f̂, î, h̃] = proj(x)                    proj: Linear(I, 3H) with bias, 3(I·H + H) parameters
 *   f = σ(f̂), i = σ(î),  f' = f / (f + i), i' = i / (f + i)
 *   h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ g(h̃_t)
 * </pre>
 *
 * Trained with one plain-space scan of {@code a = f'}, {@code b = i' ⊙ g(h̃)} (see {@link MinGruLayer}).
 */
final class MinLstmLayer extends RecurrentLayer {
    private final int inputSize;
    private final int hidden;
    private final Linear proj;

    MinLstmLayer(int inputSize, int hidden, RandomGenerator rng) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.proj = register("proj", new Linear(inputSize, 3 * hidden, true, rng));
    }

    @Override
    Var forwardSequence(Var x) {
        Var[] ab = coefficients(proj.forward(x), 2);
        return RecurrentOps.linearScan(ab[0], ab[1], null);
    }

    @Override
    Var step(Var x, Tensor[] state) {
        Var[] ab = coefficients(proj.forward(x), 1);
        Var h = Ops.add(Ops.mul(ab[0], Var.constant(state[0])), ab[1]);
        state[0] = h.value();
        return h;
    }

    /** {@code {f', i' ⊙ g(h̃)}} from the projection, split along {@code axis}. */
    private Var[] coefficients(Var p, int axis) {
        Var f = Ops.sigmoid(Ops.slice(p, axis, 0, hidden));
        Var i = Ops.sigmoid(Ops.slice(p, axis, hidden, 2 * hidden));
        Var candidate = RecurrentOps.positiveG(Ops.slice(p, axis, 2 * hidden, 3 * hidden));
        Var sum = Ops.add(f, i);
        return new Var[] {Ops.div(f, sum), Ops.mul(Ops.div(i, sum), candidate)};
    }

    @Override
    Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, hidden)};
    }

    /** {@code 3·I·H}: the projection; the update is O(H) elementwise work. */
    @Override
    long macsPerStep() {
        return 3L * inputSize * hidden;
    }
}
