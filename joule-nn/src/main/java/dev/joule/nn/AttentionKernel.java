package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;

/**
 * How {@link MultiHeadAttention} mixes its projected queries, keys and values: the one part that differs
 * between the dense Transformer and its sparse variants, so the projections, blocks and model shells are
 * shared. Inputs and output use the unsplit head layout {@code [B, T, H·dh]} (head h in columns
 * {@code [h·dh, (h+1)·dh)}).
 */
public interface AttentionKernel {

    /** Self-attention of {@code q, k, v [B, T, H·dh]} into {@code [B, T, H·dh]} with {@code heads} heads. */
    Var attend(Var q, Var k, Var v, int heads);

    /** True when position t only sees positions ≤ t. */
    boolean causal();

    /**
     * Analytic multiply-accumulates of one head over {@code tokens} positions of width {@code headDim}:
     * the scores q·kᵀ plus the weighted sum of values (projections are counted by the caller). Dense
     * non-causal attention is {@code 2·T²·dh}; causal, where position t uses t + 1 keys, {@code T·(T+1)·dh}.
     */
    long macsPerHead(int tokens, int headDim);

    /**
     * For step decoding of a causal kernel with positions {@code 0..query} cached: the keys position
     * {@code query} attends, as ascending half-open ranges flattened to {@code {from0, to0, from1, to1, ...}}
     * (the last one ending at {@code query + 1}). Dense attention reads the whole prefix {@code {0, query + 1}}.
     */
    default int[] stepKeyRanges(int query) {
        return new int[] {0, query + 1};
    }

    /** Full softmax attention through the fused {@link Ops#attentionHeads} op. */
    static AttentionKernel dense(boolean causal) {
        return new AttentionKernel() {
            @Override
            public Var attend(Var q, Var k, Var v, int heads) {
                return Ops.attentionHeads(q, k, v, heads, causal);
            }

            @Override
            public boolean causal() {
                return causal;
            }

            @Override
            public long macsPerHead(int tokens, int headDim) {
                long t = tokens;
                return causal ? t * (t + 1) * headDim : 2 * t * t * headDim;
            }

            @Override
            public String toString() {
                return causal ? "dense causal" : "dense";
            }
        };
    }
}
