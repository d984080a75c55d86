package dev.joule.nn;

import dev.joule.autograd.GradMode;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Multi-head scaled dot-product self-attention over a whole batch {@code x [B, T, d]}:
 *
 * <pre>
 *   q, k, v = x·Wqᵀ, x·Wkᵀ, x·Wvᵀ            [B, T, d]
 *   per head h (columns [h·dh, (h+1)·dh) of q, k, v; no split/merge copies):
 *     y_h = softmax(q_h k_hᵀ / √dh [+ causal mask]) v_h   (one fused Ops.attentionHeads call)
 *   out = y·Woᵀ + bo                            y [B, T, d]
 * </pre>
 *
 * The middle step is an {@link AttentionKernel}: dense by default, or e.g. block-sparse, with the same
 * projections and parameter names. In inference, when structured pruning removed whole heads (their rows of
 * q, k, v and their columns of out, shrunk in the attached forms), only the kept heads are projected and
 * attended ({@link NarrowedUnits}). Parameters {@code q, k, v, out} are Linears so their names read
 * {@code attn.q.weight}.
 */
public final class MultiHeadAttention extends Module {
    private final int dModel;
    private final int heads;
    private final AttentionKernel kernel;
    private final boolean causal;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private NarrowedUnits narrowed;

    /**
     * Initialised as PyTorch's {@code nn.MultiheadAttention}: q, k, v weights xavier-uniform over the fused
     * {@code [3d, d]} in-projection (bound √(6/(d + 3d))), the output weight U(±1/√d), every bias zero.
     */
    public MultiHeadAttention(int dModel, int heads, boolean causal, RandomGenerator rng) {
        this(dModel, heads, AttentionKernel.dense(causal), rng);
    }

    /** As {@link #MultiHeadAttention(int, int, boolean, RandomGenerator)} with another attention kernel. */
    public MultiHeadAttention(int dModel, int heads, AttentionKernel kernel, RandomGenerator rng) {
        this(dModel, heads, kernel, inProjection(dModel, rng), inProjection(dModel, rng), inProjection(dModel, rng),
                Linear.of(Init.uniform(rng, Init.fanInBound(dModel), dModel, dModel), Tensor.zeros(dModel)));
    }

    private static Linear inProjection(int dModel, RandomGenerator rng) {
        float bound = (float) Math.sqrt(6.0 / (dModel + 3 * dModel));
        return Linear.of(Init.uniform(rng, bound, dModel, dModel), Tensor.zeros(dModel));
    }

    /** Projections supplied by the caller (e.g. with GPT-style normal initialisation). */
    public MultiHeadAttention(int dModel, int heads, boolean causal, Linear q, Linear k, Linear v, Linear out) {
        this(dModel, heads, AttentionKernel.dense(causal), q, k, v, out);
    }

    /** Projections supplied by the caller, mixed by {@code kernel}. */
    public MultiHeadAttention(int dModel, int heads, AttentionKernel kernel, Linear q, Linear k, Linear v,
            Linear out) {
        if (heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("attention width " + dModel + " must split evenly into " + heads
                    + " heads; choose heads dividing d");
        }
        this.dModel = dModel;
        this.heads = heads;
        this.kernel = Objects.requireNonNull(kernel, "attention kernel");
        this.causal = kernel.causal();
        this.q = register("q", q);
        this.k = register("k", k);
        this.v = register("v", v);
        this.out = register("out", out);
    }

    @Override
    public Var forward(Var x) {
        int[] s = x.shape();
        if (s.length != 3 || s[2] != dModel) {
            throw new IllegalArgumentException("attention expects x [B, T, " + dModel + "], got "
                    + java.util.Arrays.toString(s));
        }
        if (!GradMode.isEnabled()) {
            NarrowedUnits n = narrowed();
            if (n != null && n.active()) {
                Var y = kernel.attend(n.produce(0, x, q), n.produce(1, x, k), n.produce(2, x, v), n.kept().length / headWidth());
                return n.consume(y, out);
            }
        }
        Var y = kernel.attend(q.forward(x), k.forward(x), v.forward(x), heads);
        return out.forward(y);
    }

    private int headWidth() {
        return dModel / heads;
    }

    /**
     * The kept heads the attached inference forms describe, when q, k, v keep the same rows, out exactly those
     * columns, and the kept rows are whole heads (read again only when the forms change); else inactive.
     */
    NarrowedUnits narrowed() {
        NarrowedUnits n = narrowed;
        if (n == null || !n.matches(out, q, k, v)) {
            n = NarrowedUnits.read(out, q, k, v);
            if (n != null && n.active() && !wholeHeads(n.kept())) {
                n = NarrowedUnits.inactive(n);
            }
            narrowed = n;
        }
        return n;
    }

    private boolean wholeHeads(int[] kept) {
        int dh = headWidth();
        if (kept.length % dh != 0) {
            return false;
        }
        for (int i = 0; i < kept.length; i += dh) {
            if (kept[i] % dh != 0) {
                return false;
            }
            for (int j = 1; j < dh; j++) {
                if (kept[i + j] != kept[i] + j) {
                    return false;
                }
            }
        }
        return true;
    }

    public boolean causal() {
        return causal;
    }

    public AttentionKernel kernel() {
        return kernel;
    }

    public int heads() {
        return heads;
    }
}
