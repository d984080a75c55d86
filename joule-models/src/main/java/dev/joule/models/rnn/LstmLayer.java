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
 * LSTM as {@code torch.nn.LSTM} (one layer): gate order i, f, g, o; parameters {@code weight_ih [4H, I]},
 * {@code weight_hh [4H, H]}, {@code bias_ih [4H]}, {@code bias_hh [4H]}, all from U(−1/√H, 1/√H), then 1 added
 * to the forget-gate block of {@code bias_ih};
 * {@code 4(I·H + H² + 2H)} parameters. Trained by BPTT: the input projection of all steps is one matmul,
 * then one recurrent matmul and three fused cell ops per step.
 */
final class LstmLayer extends RecurrentLayer {
    private final int inputSize;
    private final int hidden;
    private final Var weightIh;
    private final Var weightHh;
    private final Var biasIh;
    private final Var biasHh;

    LstmLayer(int inputSize, int hidden, RandomGenerator rng) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        float bound = (float) (1 / Math.sqrt(hidden));
        this.weightIh = param("weight_ih", Init.uniform(rng, bound, 4 * hidden, inputSize));
        this.weightHh = param("weight_hh", Init.uniform(rng, bound, 4 * hidden, hidden));
        this.biasIh = param("bias_ih", forgetBiasOne(Init.uniform(rng, bound, 4 * hidden), hidden));
        this.biasHh = param("bias_hh", Init.uniform(rng, bound, 4 * hidden));
    }

    /**
     * Adds 1 to the forget-gate block of {@code bias_ih} (char-rnn, Jozefowicz et al. 2015): the cell starts
     * by keeping its state, so gradients reach early steps from the first update.
     */
    private static Tensor forgetBiasOne(Tensor bias, int hidden) {
        float[] d = bias.data();
        for (int j = hidden; j < 2 * hidden; j++) {
            d[bias.offset() + j] += 1f;
        }
        return bias;
    }

    @Override
    Var forwardSequence(Var x) {
        int batch = x.shape()[0];
        int time = x.shape()[1];
        Var xProj = Ops.linear(x, weightIh, biasIh);
        Var h = Var.constant(Tensor.zeros(batch, hidden));
        Var c = Var.constant(Tensor.zeros(batch, hidden));
        List<Var> outs = new ArrayList<>(time);
        for (int t = 0; t < time; t++) {
            Var gates = RecurrentOps.lstmGates(xProj, t, Ops.linear(h, weightHh, biasHh));
            c = RecurrentOps.lstmCell(gates, c);
            h = RecurrentOps.lstmHidden(gates, c);
            outs.add(h);
        }
        return RecurrentOps.stackTime(outs);
    }

    @Override
    Var step(Var x, Tensor[] state) {
        int batch = x.shape()[0];
        Var xProj = Ops.reshape(Ops.linear(x, weightIh, biasIh), batch, 1, 4 * hidden);
        Var gates = RecurrentOps.lstmGates(xProj, 0, Ops.linear(Var.constant(state[0]), weightHh, biasHh));
        Var c = RecurrentOps.lstmCell(gates, Var.constant(state[1]));
        Var h = RecurrentOps.lstmHidden(gates, c);
        state[0] = h.value();
        state[1] = c.value();
        return h;
    }

    @Override
    Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, hidden), Tensor.zeros(batch, hidden)};
    }

    /** {@code 4·(I + H)·H}: the input and recurrent projections of the four gates. */
    @Override
    long macsPerStep() {
        return 4L * (inputSize + hidden) * hidden;
    }
}
