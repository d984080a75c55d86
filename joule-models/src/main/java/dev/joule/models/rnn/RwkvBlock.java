package dev.joule.models.rnn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One RWKV-5 block, pre-LayerNorm, width d in H heads of size N = d/H, channel-mix hidden f:
 *
 * <pre>
 *   x = x + att(ln1 x)        {@link RwkvTimeMix}: r, k, v, g, WKV-5 with a matrix state per head
 *   x = x + ffn(ln2 x)        {@link RwkvChannelMix}: squared ReLU, receptance gate
 * </pre>
 *
 * Both mixes read the normed input n and its token shift n_{t−1} (zeros at t = 0). Parameters:
 * {@code 6d² + 2df + 14d}. Step state per stream:
 * {@code {last ln1 output [B, d], last ln2 output [B, d], WKV state [B, H, N, N]}}: {@code 2d + d·N} floats.
 */
final class RwkvBlock extends Module implements StackBlock {
    private final int dModel;
    private final LayerNorm ln1;
    private final RwkvTimeMix att;
    private final LayerNorm ln2;
    private final RwkvChannelMix ffn;

    /** {@code layer} of {@code layers} sets the RWKV-5 initial mixes, decays and bonuses (see the two mixes). */
    RwkvBlock(int dModel, int heads, int ffDim, int layer, int layers, RandomGenerator rng) {
        this.dModel = dModel;
        this.ln1 = register("ln1", new LayerNorm(dModel));
        this.att = register("att", new RwkvTimeMix(dModel, heads, layer, layers, rng));
        this.ln2 = register("ln2", new LayerNorm(dModel));
        this.ffn = register("ffn", new RwkvChannelMix(dModel, ffDim, layer, layers, rng));
    }

    /** {@code x [B, T, d]} → {@code [B, T, d]}, causal. */
    @Override
    public Var forward(Var x) {
        Var h = Ops.add(x, att.forward(ln1.forward(x)));
        return Ops.add(h, ffn.forward(ln2.forward(h)));
    }

    /** {@code x [B, d]} → {@code [B, d]}; advances {@code state} (see {@link #initialState}) in place. */
    @Override
    public Var step(Var x, Tensor[] state) {
        Var n = ln1.forward(x);
        Var h = Ops.add(x, att.step(n, Var.constant(state[0]), state[2]));
        state[0] = n.value().copy();
        Var n2 = ln2.forward(h);
        Var y = Ops.add(h, ffn.forward(n2, Var.constant(state[1])));
        state[1] = n2.value().copy();
        return y;
    }

    /** {@code {last ln1 output, last ln2 output, WKV state}}: zeros (an empty past). */
    @Override
    public Tensor[] initialState(int batch) {
        return new Tensor[] {Tensor.zeros(batch, dModel), Tensor.zeros(batch, dModel), att.initialState(batch)};
    }

    /** {@code s + μ ⊙ (n − s)}: per channel, μ of the current token and 1 − μ of the previous. */
    static Var mix(Var n, Var s, Var mu) {
        return Ops.add(s, Ops.mul(mu, Ops.sub(n, s)));
    }

    /** Token shift over T of {@code [B, T, d]}: position t gets t − 1, position 0 gets zeros. */
    static Var shift(Var n) {
        int[] sh = n.shape();
        Var zeros = Var.constant(Tensor.zeros(sh[0], 1, sh[2]));
        if (sh[1] == 1) {
            return zeros;
        }
        return Ops.concat(List.of(zeros, Ops.slice(n, 1, 0, sh[1] - 1)), 1);
    }

    /**
     * Per token: r, k, v, g, out {@code 5d²}; channel-mix rec {@code d²}, key and value {@code 2df}; the WKV
     * reads and rewrites every head's N × N state, {@code 2N²} per head, {@code 2dN}. Mixes, norms, gates and
     * the bonus term are O(d) and not counted.
     */
    @Override
    public long macsPerToken(ModelConfig config) {
        long d = dModel;
        return 6 * d * d + 2 * d * config.ffDim() + 2 * d * att.headSize();
    }
}
