package dev.joule.nn;

import dev.joule.autograd.BlockSparseLayout;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link AttentionKernel} that attends along Child et al.'s fixed sparse pattern
 * ({@link BlockSparseLayout#fixed}): positions in blocks of {@code blockSize}, each query block sees a local
 * window of {@code window} blocks and every {@code stride}-th summary block, and the work is done by
 * {@link Ops#blockSparseAttentionHeads} on the listed blocks only.
 *
 * <p>The pattern is fixed when the kernel is made and laid over whatever length comes in (one
 * {@link BlockSparseLayout} per length, cached). Under the causal mask a shorter sequence sees exactly the
 * prefix of a longer one's pattern, so training on full contexts and decoding step by step agree: a decoding
 * step at position t reads only the cached keys {@link #stepKeyRanges} lists.
 */
public final class BlockSparseAttention implements AttentionKernel {
    private final int blockSize;
    private final int window;
    private final int stride;
    private final boolean causal;
    private final Map<Integer, BlockSparseLayout> layouts = new ConcurrentHashMap<>();

    public BlockSparseAttention(int blockSize, int window, int stride, boolean causal) {
        if (blockSize < 1 || window < 1 || stride < 1) {
            throw new IllegalArgumentException("block-sparse attention needs blockSize, window and stride >= 1, got "
                    + blockSize + ", " + window + ", " + stride);
        }
        this.blockSize = blockSize;
        this.window = window;
        this.stride = stride;
        this.causal = causal;
    }

    /**
     * The paper's stride for a context of {@code tokens}: about √(number of blocks), at least 2, so a query
     * block lists O(√n) summary blocks and the layer costs O(T·√T) instead of O(T²).
     */
    public static int sqrtStride(int tokens, int blockSize) {
        int blocks = (tokens + blockSize - 1) / blockSize;
        return Math.max(2, (int) Math.ceil(Math.sqrt(blocks)));
    }

    /** The layout over {@code tokens} positions (built once per length). */
    public BlockSparseLayout layout(int tokens) {
        return layouts.computeIfAbsent(tokens, t -> BlockSparseLayout.fixed(t, blockSize, window, stride, causal));
    }

    @Override
    public Var attend(Var q, Var k, Var v, int heads) {
        return Ops.blockSparseAttentionHeads(q, k, v, heads, layout(q.shape()[1]));
    }

    @Override
    public boolean causal() {
        return causal;
    }

    /** The listed blocks' work: {@link BlockSparseLayout#macsPerHead} of the layout over {@code tokens}. */
    @Override
    public long macsPerHead(int tokens, int headDim) {
        return layout(tokens).macsPerHead(headDim);
    }

    /** Only the cached keys in the listed blocks of the query's block, the diagonal one cut at the query. */
    @Override
    public int[] stepKeyRanges(int query) {
        if (!causal) {
            throw new IllegalStateException("step decoding needs causal attention; this kernel attends both ways");
        }
        int block = query / blockSize;
        int[] keyBlocks = BlockSparseLayout.fixedKeyBlocks(block, block + 1, window, stride, true);
        List<int[]> ranges = new ArrayList<>();
        for (int j : keyBlocks) {
            int from = j * blockSize;
            int to = Math.min(query + 1, from + blockSize);
            int[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last[1] == from) {
                last[1] = to;
            } else {
                ranges.add(new int[] {from, to});
            }
        }
        int[] flat = new int[2 * ranges.size()];
        for (int r = 0; r < ranges.size(); r++) {
            flat[2 * r] = ranges.get(r)[0];
            flat[2 * r + 1] = ranges.get(r)[1];
        }
        return flat;
    }

    public int blockSize() {
        return blockSize;
    }

    public int window() {
        return window;
    }

    public int stride() {
        return stride;
    }

    @Override
    public String toString() {
        return "block-sparse" + (causal ? " causal" : "") + " (blocks of " + blockSize + ", window " + window
                + ", stride " + stride + ")";
    }
}
