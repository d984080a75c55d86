package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.SsmOps;
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
 * One pre-norm Mamba-1 residual block, {@code x + mixer(RMSNorm(x))}, over {@code [B, T, d]}; E = expand·d,
 * N = dState, R = ⌈d/16⌉, K = dConv (mamba_simple.py):
 *
 * <pre>
 *   [x, z] = inProj(n)                               inProj: d → 2E, no bias
 *   x = silu(causalDepthwiseConv_K(x) + convBias)    conv [E, K], bias [E]
 *   [dtLow, B, C] = xProj(x)                         xProj: E → R + 2N, no bias
 *   dt = softplus(dtProj(dtLow))                     dtProj: R → E, bias = softplus⁻¹(U_log[1e-3, 1e-1])
 *   y = selectiveScan(x, dt, A = −exp(A_log), B, C) + D ⊙ x      A_log[e, n] = log(n + 1), D = 1
 *   out = outProj(y ⊙ silu(z))                       outProj: E → d, no bias
 * </pre>
 *
 * The step state is the last K − 1 conv inputs {@code [B, K−1, E]} and the SSM state {@code [B, E, N]}.
 */
final class MambaBlock extends Module implements StackBlock {
    private final int expanded;
    private final int states;
    private final int dtRank;
    private final int convWidth;
    private final RMSNorm norm;
    private final Linear inProj;
    private final Var convWeight;
    private final Var convBias;
    private final Linear xProj;
    private final Linear dtProj;
    private final Var aLog;
    private final Var skip;
    private final Linear outProj;

    MambaBlock(int dModel, int dState, int expand, int dConv, RandomGenerator rng) {
        this.expanded = expand * dModel;
        this.states = dState;
        this.dtRank = (dModel + 15) / 16;
        this.convWidth = dConv;
        this.norm = register("norm", new RMSNorm(dModel));
        this.inProj = register("inProj", new Linear(dModel, 2 * expanded, false, rng));
        float convBound = Init.fanInBound(dConv);
        this.convWeight = param("convWeight", Init.uniform(rng, convBound, expanded, dConv));
        this.convBias = param("convBias", Init.uniform(rng, convBound, expanded));
        this.xProj = register("xProj", new Linear(expanded, dtRank + 2 * dState, false, rng));
        this.dtProj = register("dtProj", Linear.of(Init.uniform(rng, (float) (1 / Math.sqrt(dtRank)), expanded, dtRank),
                dtBias(expanded, rng)));
        float[] logs = new float[expanded * dState];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = (float) Math.log(i % dState + 1);
        }
        this.aLog = param("aLog", Tensor.of(logs, expanded, dState));
        this.skip = param("d", Tensor.full(1f, expanded));
        this.outProj = register("outProj", new Linear(expanded, dModel, false, rng));
    }

    /** softplus⁻¹(dt) with dt log-uniform in [1e-3, 1e-1], at least 1e-4: initial step sizes across scales. */
    static Tensor dtBias(int width, RandomGenerator rng) {
        float[] b = new float[width];
        for (int i = 0; i < width; i++) {
            double dt = Math.exp(Math.log(1e-3) + rng.nextDouble() * (Math.log(1e-1) - Math.log(1e-3)));
            dt = Math.max(dt, 1e-4);
            b[i] = (float) (dt + Math.log(-Math.expm1(-dt)));
        }
        return Tensor.of(b, width);
    }

    @Override
    public Var forward(Var x) {
        Var xz = inProj.forward(norm.forward(x));
        Var u = Ops.silu(Ops.conv1dCausal(Ops.slice(xz, 2, 0, expanded), convWeight, convBias));
        Var z = Ops.slice(xz, 2, expanded, 2 * expanded);
        Var proj = xProj.forward(u);
        Var dt = Ops.softplus(dtProj.forward(Ops.slice(proj, 2, 0, dtRank)));
        Var bIn = Ops.slice(proj, 2, dtRank, dtRank + states);
        Var c = Ops.slice(proj, 2, dtRank + states, dtRank + 2 * states);
        Var y = SsmOps.selectiveScan(u, dt, Ops.neg(Ops.exp(aLog)), bIn, c);
        y = Ops.add(y, Ops.mul(u, skip));
        return Ops.add(x, outProj.forward(Ops.mul(y, Ops.silu(z))));
    }

    /** {@code x [B, d]} → {@code [B, d]}; advances {@code state = {conv inputs [B, K−1, E], ssm [B, E, N]}}. */
    @Override
    public Var step(Var x, Tensor[] state) {
        int batch = x.shape()[0];
        Var xz = inProj.forward(norm.forward(x));
        Var xIn = Ops.reshape(Ops.slice(xz, 1, 0, expanded), batch, 1, expanded);
        Var window = Ops.concat(List.of(Var.constant(state[0]), xIn), 1);
        state[0] = Ops.slice(window, 1, 1, convWidth).value().copy();
        Var conv = Ops.conv1dCausal(window, convWeight, convBias);
        Var u = Ops.silu(Ops.reshape(Ops.slice(conv, 1, convWidth - 1, convWidth), batch, expanded));
        Var z = Ops.slice(xz, 1, expanded, 2 * expanded);
        Var proj = xProj.forward(u);
        Var dt = Ops.softplus(dtProj.forward(Ops.slice(proj, 1, 0, dtRank)));
        Tensor bIn = Ops.slice(proj, 1, dtRank, dtRank + states).value().copy();
        Tensor c = Ops.slice(proj, 1, dtRank + states, dtRank + 2 * states).value().copy();
        Tensor a = Ops.neg(Ops.exp(aLog)).value();
        Var y = Var.constant(SsmOps.step(u.value(), dt.value(), a, bIn, c, state[1]));
        y = Ops.add(y, Ops.mul(u, skip));
        return Ops.add(x, outProj.forward(Ops.mul(y, Ops.silu(z))));
    }

    @Override
    public Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, convWidth - 1, expanded), Tensor.zeros(batch, expanded, states)};
    }

    /** Per token: inProj 2dE, conv KE, xProj E(R+2N), dtProj RE, scan 3EN, outProj Ed (norm, gates, D: not MACs). */
    @Override
    public long macsPerToken(ModelConfig config) {
        return macsPerToken(config.dModel());
    }

    private long macsPerToken(int dModel) {
        long e = expanded;
        return 2L * dModel * e + convWidth * e + e * (dtRank + 2L * states) + (long) dtRank * e + 3 * e * states
                + e * dModel;
    }
}
