package dev.joule.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which blocks of the attention matrix a block-sparse self-attention computes. The {@code T} positions are
 * cut into blocks of {@code blockSize} (the last one partial when T is not a multiple); query block i
 * attends the key blocks listed for it, and inside the listed blocks every key, except that under the
 * causal mask a query at position t never sees a key after t (only the diagonal block is cut).
 *
 * <p>{@link #fixed} builds the pattern of Child et al. 2019 ("Generating Long Sequences with Sparse
 * Transformers", the fixed/strided factorisation) on blocks: query block i sees
 * <ul>
 *   <li>a local window: key blocks j with {@code |i − j| < window} (causal: {@code i − window < j ≤ i});</li>
 *   <li>summary blocks: every j with {@code j mod stride == stride − 1}, the last block of each group of
 *       {@code stride} blocks (causal: only those with {@code j ≤ i}), which carry information across
 *       groups so two layers reach every position.</li>
 * </ul>
 * With a window of w blocks and a stride s ≈ √(T/blockSize) a query block lists about w + T/(s·blockSize)
 * key blocks instead of T/blockSize, the O(T·√T) of the paper.
 *
 * <p>Immutable. Besides the pattern it holds the work plan of the kernel: for every query block the listed
 * key blocks merged into runs of consecutive blocks (one gemm per run, since they are contiguous keys) and
 * the width and offset of that query block's row panel of scores.
 */
public final class BlockSparseLayout {
    private final int tokens;
    private final int blockSize;
    private final boolean causal;
    private final int[][] keyBlocks;
    private final int[][] runStart;
    private final int[][] runWidth;
    private final int[] panelWidth;
    private final int[] panelOffset;
    private final int panelSize;

    /**
     * A layout listing, for every query block {@code i} of the {@code ceil(tokens / blockSize)}, the key blocks
     * {@code keyBlocks[i]} it attends (strictly ascending, non-empty; under {@code causal} none after i).
     *
     * @throws IllegalArgumentException naming the offending entry when the lists do not describe a layout
     */
    public BlockSparseLayout(int tokens, int blockSize, boolean causal, int[][] keyBlocks) {
        if (tokens < 1 || blockSize < 1) {
            throw new IllegalArgumentException("block-sparse layout needs tokens >= 1 and blockSize >= 1, got tokens "
                    + tokens + ", blockSize " + blockSize);
        }
        int blocks = (tokens + blockSize - 1) / blockSize;
        if (keyBlocks.length != blocks) {
            throw new IllegalArgumentException("block-sparse layout over " + tokens + " tokens in blocks of "
                    + blockSize + " has " + blocks + " query blocks, but " + keyBlocks.length + " key-block lists");
        }
        this.tokens = tokens;
        this.blockSize = blockSize;
        this.causal = causal;
        this.keyBlocks = new int[blocks][];
        this.runStart = new int[blocks][];
        this.runWidth = new int[blocks][];
        this.panelWidth = new int[blocks];
        this.panelOffset = new int[blocks];
        int offset = 0;
        for (int i = 0; i < blocks; i++) {
            int[] list = keyBlocks[i].clone();
            requireValid(i, list, blocks);
            this.keyBlocks[i] = list;
            planRuns(i, list);
            panelOffset[i] = offset;
            offset = Math.addExact(offset, Math.multiplyExact(blockRows(i), panelWidth[i]));
        }
        this.panelSize = offset;
    }

    private void requireValid(int i, int[] list, int blocks) {
        if (list.length == 0) {
            throw new IllegalArgumentException("block-sparse layout: query block " + i
                    + " attends no key block; list at least one (e.g. its own)");
        }
        for (int n = 0; n < list.length; n++) {
            int j = list[n];
            if (j < 0 || j >= blocks || (n > 0 && j <= list[n - 1])) {
                throw new IllegalArgumentException("block-sparse layout: key blocks of query block " + i + " must be"
                        + " strictly ascending in [0, " + blocks + "), got " + Arrays.toString(list));
            }
            if (causal && j > i) {
                throw new IllegalArgumentException("block-sparse layout: causal query block " + i
                        + " lists later key block " + j + "; causal lists end at the query block");
            }
        }
    }

    private void planRuns(int i, int[] list) {
        List<int[]> runs = new ArrayList<>();
        int n = 0;
        while (n < list.length) {
            int first = list[n];
            while (n + 1 < list.length && list[n + 1] == list[n] + 1) {
                n++;
            }
            int start = first * blockSize;
            int end = Math.min(tokens, (list[n] + 1) * blockSize);
            runs.add(new int[] {start, end - start});
            n++;
        }
        runStart[i] = runs.stream().mapToInt(r -> r[0]).toArray();
        runWidth[i] = runs.stream().mapToInt(r -> r[1]).toArray();
        panelWidth[i] = Arrays.stream(runWidth[i]).sum();
    }

    /**
     * Child et al.'s fixed pattern on blocks (see the class comment): a local window of {@code window} blocks
     * plus every {@code stride}-th "summary" block. {@code stride = 1} lists every allowed block (dense).
     */
    public static BlockSparseLayout fixed(int tokens, int blockSize, int window, int stride, boolean causal) {
        if (window < 1 || stride < 1) {
            throw new IllegalArgumentException("fixed sparse pattern needs window >= 1 and stride >= 1 blocks, got"
                    + " window " + window + ", stride " + stride);
        }
        int blocks = (Math.max(tokens, 1) + Math.max(blockSize, 1) - 1) / Math.max(blockSize, 1);
        int[][] lists = new int[blocks][];
        for (int i = 0; i < blocks; i++) {
            lists[i] = fixedKeyBlocks(i, blocks, window, stride, causal);
        }
        return new BlockSparseLayout(tokens, blockSize, causal, lists);
    }

    /**
     * The key blocks query block {@code i} of {@code blocks} lists in {@link #fixed}'s pattern, ascending.
     * Under {@code causal} the list does not depend on {@code blocks}, so a step decoder can ask for one
     * block without building a layout.
     */
    public static int[] fixedKeyBlocks(int i, int blocks, int window, int stride, boolean causal) {
        int last = causal ? i : blocks - 1;
        List<Integer> list = new ArrayList<>();
        for (int j = 0; j <= last; j++) {
            if (Math.abs(i - j) < window || j % stride == stride - 1) {
                list.add(j);
            }
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every block the mask allows: the dense (causal) attention, for comparisons. */
    public static BlockSparseLayout dense(int tokens, int blockSize, boolean causal) {
        return fixed(tokens, blockSize, 1, 1, causal);
    }

    public int tokens() {
        return tokens;
    }

    public int blockSize() {
        return blockSize;
    }

    public boolean causal() {
        return causal;
    }

    public int numBlocks() {
        return keyBlocks.length;
    }

    /** The key blocks query block {@code i} attends, ascending (a copy). */
    public int[] keyBlocks(int i) {
        return keyBlocks[i].clone();
    }

    /** The number of listed (query block, key block) pairs. */
    public int listedBlocks() {
        int n = 0;
        for (int[] list : keyBlocks) {
            n += list.length;
        }
        return n;
    }

    /** Listed pairs over the pairs dense attention computes ({@code n²}, or {@code n(n+1)/2} when causal). */
    public double density() {
        double n = numBlocks();
        return listedBlocks() / (causal ? n * (n + 1) / 2 : n * n);
    }

    /** Whether the query at position {@code query} sees the key at position {@code key}: the token-level mask. */
    public boolean attends(int query, int key) {
        if (causal && key > query) {
            return false;
        }
        return Arrays.binarySearch(keyBlocks[query / blockSize], key / blockSize) >= 0;
    }

    /**
     * Multiply-accumulates the kernel does for one head of width {@code headDim}: per listed block pair of
     * m query rows and w keys, {@code m·w·dh} for the scores and as many for the weighted values (the
     * diagonal block is computed whole and masked afterwards).
     */
    public long macsPerHead(int headDim) {
        long total = 0;
        for (int i = 0; i < keyBlocks.length; i++) {
            total += (long) blockRows(i) * panelWidth[i];
        }
        return 2 * total * headDim;
    }

    // ---- the kernel's work plan (package-private)

    /** Query rows of block i: {@code blockSize}, fewer for the last block. */
    int blockRows(int i) {
        return Math.min(blockSize, tokens - i * blockSize);
    }

    int[] runStart(int i) {
        return runStart[i];
    }

    int[] runWidth(int i) {
        return runWidth[i];
    }

    int panelWidth(int i) {
        return panelWidth[i];
    }

    int panelOffset(int i) {
        return panelOffset[i];
    }

    /** Floats of one head's row panels of scores, all query blocks together. */
    int panelSize() {
        return panelSize;
    }

    /** The largest single query block panel (rows × width), the backward's scratch size. */
    int maxPanel() {
        int max = 0;
        for (int i = 0; i < keyBlocks.length; i++) {
            max = Math.max(max, blockRows(i) * panelWidth[i]);
        }
        return max;
    }

    /**
     * Keys of row {@code a} (0-based inside query block i) that its panel row may use: the whole width, or
     * under the causal mask, when the diagonal block closes the list, up to and including the row's own key.
     */
    int visible(int i, int a) {
        int[] list = keyBlocks[i];
        if (causal && list[list.length - 1] == i) {
            return panelWidth[i] - blockRows(i) + a + 1;
        }
        return panelWidth[i];
    }

    @Override
    public String toString() {
        return "block-sparse " + (causal ? "causal " : "") + tokens + " tokens, blocks of " + blockSize + ", "
                + listedBlocks() + " listed block pairs (density " + String.format(java.util.Locale.ROOT, "%.2f",
                density()) + ")";
    }
}
