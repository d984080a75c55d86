package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.RecurrentOps;
import dev.joule.autograd.Var;
import dev.joule.nn.Init;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * GRU as {@code torch.nn.GRU} (one layer): gate order r, z, n with {@code r} multiplying the projected
 * hidden state ({@code n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))}); parameters {@code weight_ih [3H, I]},
 * {@code weight_hh [3H, H]}, {@code bias_ih [3H]}, {@code bias_hh [3H]} from U(−1/√H, 1/√H);
 * {@code 3(I·H + H² + 2H)} parameters. Trained by BPTT.
 */
final class GruLayer extends RecurrentLayer {
    private final int inputSize;
    private final int hidden;
    private final Var weightIh;
    private final Var weightHh;
    private final Var biasIh;
    private final Var biasHh;

    GruLayer(int inputSize, int hidden, RandomGenerator rng) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        float bound = (float) (1 / Math.sqrt(hidden));
        this.weightIh = param("weight_ih", Init.uniform(rng, bound, 3 * hidden, inputSize));
        this.weightHh = param("weight_hh", Init.uniform(rng, bound, 3 * hidden, hidden));
        this.biasIh = param("bias_ih", Init.uniform(rng, bound, 3 * hidden));
        this.biasHh = param("bias_hh", Init.uniform(rng, bound, 3 * hidden));
    }

    @Override
    Var forwardSequence(Var x) {
        int batch = x.shape()[0];
        int time = x.shape()[1];
        Var xProj = Ops.linear(x, weightIh, biasIh);
        Var h = Var.constant(Tensor.zeros(batch, hidden));
        List<Var> outs = new ArrayList<>(time);
        for (int t = 0; t < time; t++) {
            h = RecurrentOps.gruCell(xProj, t, Ops.linear(h, weightHh, biasHh), h);
            outs.add(h);
        }
        return RecurrentOps.stackTime(outs);
    }

    @Override
    Var step(Var x, Tensor[] state) {
        int batch = x.shape()[0];
        Var xProj = Ops.reshape(Ops.linear(x, weightIh, biasIh), batch, 1, 3 * hidden);
        Var prev = Var.constant(state[0]);
        Var h = RecurrentOps.gruCell(xProj, 0, Ops.linear(prev, weightHh, biasHh), prev);
        state[0] = h.value();
        return h;
    }

    @Override
    Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, hidden)};
    }

    /** {@code 3·(I + H)·H}: the input and recurrent projections of the three gates. */
    @Override
    long macsPerStep() {
        return 3L * (inputSize + hidden) * hidden;
    }
}
