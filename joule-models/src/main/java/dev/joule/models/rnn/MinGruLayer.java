package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.RecurrentOps;
import dev.joule.autograd.Var;
import dev.joule.nn.Linear;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * minGRU (Feng et al. 2024, "Were RNNs All We Needed?"): gates from the input only, so the state is a
 * linear recurrence trained with one scan over the whole sequence.
 *
 * <pre>
 *   [k, h̃] = proj(x)                       proj: Linear(I, 2H) with bias, 2(I·H + H) parameters
 *   z = σ(k)          h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ g(h̃_t)       g(x) = x + ½ (x ≥ 0), σ(x) (x < 0)
 * </pre>
 *
 * The training form scans {@code a = σ(−k) = 1 − z}, {@code b = z ⊙ g(h̃)} in plain (not log) space: the
 * scan kernel never divides by a running product of the {@code a}, which is what makes the naive
 * closed form unstable and what the log-space Heinsen scan exists to avoid.
 */
final class MinGruLayer extends RecurrentLayer {
    private final int inputSize;
    private final int hidden;
    private final Linear proj;

    MinGruLayer(int inputSize, int hidden, RandomGenerator rng) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.proj = register("proj", new Linear(inputSize, 2 * hidden, true, rng));
    }

    @Override
    Var forwardSequence(Var x) {
        Var p = proj.forward(x);
        Var k = Ops.slice(p, 2, 0, hidden);
        Var candidate = RecurrentOps.positiveG(Ops.slice(p, 2, hidden, 2 * hidden));
        Var a = Ops.sigmoid(Ops.neg(k));
        Var b = Ops.mul(Ops.sigmoid(k), candidate);
        return RecurrentOps.linearScan(a, b, null);
    }

    @Override
    Var step(Var x, Tensor[] state) {
        Var p = proj.forward(x);
        Var z = Ops.sigmoid(Ops.slice(p, 1, 0, hidden));
        Var candidate = RecurrentOps.positiveG(Ops.slice(p, 1, hidden, 2 * hidden));
        Var prev = Var.constant(state[0]);
        Var h = Ops.add(prev, Ops.mul(z, Ops.sub(candidate, prev)));
        state[0] = h.value();
        return h;
    }

    @Override
    Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, hidden)};
    }

    /** {@code 2·I·H}: the projection; the update is O(H) elementwise work. */
    @Override
    long macsPerStep() {
        return 2L * inputSize * hidden;
    }
}
