package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.SsdOps;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Init;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.nn.RMSNorm;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One pre-norm Mamba-2 residual block, {@code x + mixer(RMSNorm(x))}, over {@code [B, T, d]}; E = expand·d,
 * H heads of P = E/H channels, N = dState, one group, K = dConv (mamba2_simple.py):
 *
 * <pre>
 *   [z, xBC, dtRaw] = inProj(n)                 inProj: d → 2E + 2N + H, no bias; xBC = [x (E), B (N), C (N)]
 *   [x, B, C] = silu(causalDepthwiseConv_K(xBC) + convBias)      conv [E + 2N, K], bias [E + 2N]
 *   dt = softplus(dtRaw + dtBias)               dtBias[h] = softplus⁻¹(U_log[1e-3, 1e-1]), at least 1e-4
 *   y = ssd(x, dt, A = −exp(A_log), B, C) + D_h·x     A_log[h] = log U[1, 16], D = 1 (one per head)
 *   out = outProj(RMSNorm(y ⊙ silu(z)))         gated RMSNorm (norm after the gate), eps 1e-5; outProj: E → d
 * </pre>
 *
 * The step state is the last K − 1 conv inputs {@code [B, K−1, E+2N]} and the SSM state {@code [B, H, P, N]}.
 */
final class Mamba2Block extends Module implements StackBlock {
    private final int expanded;
    private final int heads;
    private final int headDim;
    private final int states;
    private final int convWidth;
    private final int convChannels;
    private final RMSNorm norm;
    private final Linear inProj;
    private final Var convWeight;
    private final Var convBias;
    private final Var dtBias;
    private final Var aLog;
    private final Var skip;
    private final RMSNorm gateNorm;
    private final Linear outProj;

    Mamba2Block(int dModel, int heads, int dState, int expand, int dConv, RandomGenerator rng) {
        this.expanded = expand * dModel;
        if (heads < 1 || expanded % heads != 0) {
            throw new IllegalArgumentException("mamba2: heads " + heads + " must divide the inner width "
                    + expanded + " (= " + expand + "·dModel); choose --heads among its divisors");
        }
        this.heads = heads;
        this.headDim = expanded / heads;
        this.states = dState;
        this.convWidth = dConv;
        this.convChannels = expanded + 2 * dState;
        this.norm = register("norm", new RMSNorm(dModel));
        this.inProj = register("inProj", new Linear(dModel, 2 * expanded + 2 * dState + heads, false, rng));
        float convBound = Init.fanInBound(dConv);
        this.convWeight = param("convWeight", Init.uniform(rng, convBound, convChannels, dConv));
        this.convBias = param("convBias", Init.uniform(rng, convBound, convChannels));
        this.dtBias = param("dtBias", MambaBlock.dtBias(heads, rng));
        float[] logs = new float[heads];
        for (int h = 0; h < heads; h++) {
            logs[h] = (float) Math.log(1 + 15 * rng.nextDouble());
        }
        this.aLog = param("aLog", Tensor.of(logs, heads));
        this.skip = param("d", Tensor.full(1f, heads, 1));
        this.gateNorm = register("gateNorm", new RMSNorm(expanded, 1e-5f));
        this.outProj = register("outProj", new Linear(expanded, dModel, false, rng));
    }

    @Override
    public Var forward(Var x) {
        int[] s = x.shape();
        int batch = s[0];
        int time = s[1];
        Var proj = inProj.forward(norm.forward(x));
        Var z = Ops.slice(proj, 2, 0, expanded);
        Var xbc = Ops.silu(Ops.conv1dCausal(Ops.slice(proj, 2, expanded, expanded + convChannels), convWeight,
                convBias));
        Var dt = Ops.softplus(Ops.add(Ops.slice(proj, 2, expanded + convChannels, expanded + convChannels + heads),
                dtBias));
        Var u = Ops.slice(xbc, 2, 0, expanded);
        Var bIn = Ops.slice(xbc, 2, expanded, expanded + states);
        Var c = Ops.slice(xbc, 2, expanded + states, convChannels);
        Var y = SsdOps.chunkedScan(u, dt, Ops.neg(Ops.exp(aLog)), bIn, c);
        Var skipped = Ops.mul(Ops.reshape(u, batch, time, heads, headDim), skip);
        y = Ops.add(y, Ops.reshape(skipped, batch, time, expanded));
        return Ops.add(x, outProj.forward(gateNorm.forward(Ops.mul(y, Ops.silu(z)))));
    }

    /** {@code x [B, d]} → {@code [B, d]}; advances {@code state = {conv inputs [B, K−1, E+2N], ssm [B, H, P, N]}}. */
    @Override
    public Var step(Var x, Tensor[] state) {
        int batch = x.shape()[0];
        Var proj = inProj.forward(norm.forward(x));
        Var z = Ops.slice(proj, 1, 0, expanded);
        Var xbcIn = Ops.reshape(Ops.slice(proj, 1, expanded, expanded + convChannels), batch, 1, convChannels);
        Var window = Ops.concat(List.of(Var.constant(state[0]), xbcIn), 1);
        state[0] = Ops.slice(window, 1, 1, convWidth).value().copy();
        Var conv = Ops.conv1dCausal(window, convWeight, convBias);
        Var xbc = Ops.silu(Ops.reshape(Ops.slice(conv, 1, convWidth - 1, convWidth), batch, convChannels));
        Var dt = Ops.softplus(Ops.add(Ops.slice(proj, 1, expanded + convChannels, expanded + convChannels + heads),
                dtBias));
        Var u = Ops.slice(xbc, 1, 0, expanded);
        Tensor bIn = Ops.slice(xbc, 1, expanded, expanded + states).value().copy();
        Tensor c = Ops.slice(xbc, 1, expanded + states, convChannels).value().copy();
        Tensor a = Ops.neg(Ops.exp(aLog)).value();
        Var y = Var.constant(SsdOps.step(u.value().copy(), dt.value().copy(), a, bIn, c, state[1]));
        Var skipped = Ops.mul(Ops.reshape(u, batch, heads, headDim), skip);
        y = Ops.add(y, Ops.reshape(skipped, batch, expanded));
        return Ops.add(x, outProj.forward(gateNorm.forward(Ops.mul(y, Ops.silu(z)))));
    }

    @Override
    public Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, convWidth - 1, convChannels),
            Tensor.zeros(batch, heads, headDim, states)};
    }

    /** Per token: inProj d(2E + 2N + H), conv K(E + 2N), SSD step 3EN, outProj Ed (norms, gates, D: not MACs). */
    @Override
    public long macsPerToken(ModelConfig config) {
        long d = config.dModel();
        long e = expanded;
        return d * (2 * e + 2L * states + heads) + (long) convWidth * convChannels + 3 * e * states + e * d;
    }
}
