package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.kernel.sparse.NmMatrix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Magnitude pruning: the weights of smallest {@code |w|} are the ones removed.
 *
 * <ul>
 *   <li>{@link #unstructured}: exactly {@code round(s · n)} entries pruned, either per layer (each matrix at
 *       sparsity s) or globally (one ranking across every given matrix, so small-magnitude layers lose more).
 *       Ties are broken by position (the earlier entry is pruned first), so the count is exact and the result
 *       deterministic. Entries already 0 rank lowest, so re-pruning a masked model at a higher sparsity keeps
 *       the old mask inside the new one (Zhu &amp; Gupta's monotone masks).</li>
 *   <li>{@link #nOfM}: in every group of M consecutive inputs of a row, the N largest {@code |w|} are kept, ties
 *       to the lower index, a short last group keeping {@code min(N, len)} — the selection of
 *       {@code NmMatrix.fromDense}, so the masked matrix is exactly what the N:M kernel stores.</li>
 * </ul>
 * NaN magnitudes rank above every number (they are kept, so they stay visible).
 * These methods only compute masks; {@link PruningMasks#apply} writes them into the weights.
 */
public final class MagnitudePruning {
    /** Where the magnitude threshold is taken. */
    public enum Scope { PER_LAYER, GLOBAL }

    private MagnitudePruning() {}

    /** Masks pruning fraction {@code sparsity} ∈ [0, 1) of the entries of {@code weights} by magnitude. */
    public static PruningMasks unstructured(Map<String, Var> weights, double sparsity, Scope scope) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        return scope == Scope.GLOBAL ? global(weights, sparsity) : perLayer(weights, sparsity);
    }

    private static PruningMasks perLayer(Map<String, Var> weights, double sparsity) {
        Map<String, float[]> masks = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : weights.entrySet()) {
            float[] w = values(e.getValue());
            float[] mask = new float[w.length];
            Arrays.fill(mask, 1f);
            long[] keys = new long[w.length];
            for (int i = 0; i < w.length; i++) {
                keys[i] = key(w[i], i);
            }
            pruneSmallest(keys, (int) Math.round(sparsity * w.length), mask);
            masks.put(e.getKey(), mask);
        }
        return new PruningMasks(masks);
    }

    private static PruningMasks global(Map<String, Var> weights, double sparsity) {
        long total = 0;
        for (Var v : weights.values()) {
            total += v.value().size();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("global pruning ranks at most 2^31 weights, got " + total
                    + "; prune per layer");
        }
        long[] keys = new long[(int) total];
        int pos = 0;
        for (Var v : weights.values()) {
            for (float x : values(v)) {
                keys[pos] = key(x, pos);
                pos++;
            }
        }
        float[] flat = new float[keys.length];
        Arrays.fill(flat, 1f);
        pruneSmallest(keys, (int) Math.round(sparsity * total), flat);
        Map<String, float[]> masks = new LinkedHashMap<>();
        pos = 0;
        for (Map.Entry<String, Var> e : weights.entrySet()) {
            int n = e.getValue().value().size();
            masks.put(e.getKey(), Arrays.copyOfRange(flat, pos, pos + n));
            pos += n;
        }
        return new PruningMasks(masks);
    }

    /**
     * Sort key: the bits of {@code |x|} (for non-negative floats, and NaN above +∞, bit order is numeric
     * order) above the position, so ties fall to the earlier entry.
     */
    private static long key(float x, int index) {
        return ((long) Float.floatToRawIntBits(Math.abs(x)) << 32) | index;
    }

    private static void pruneSmallest(long[] keys, int count, float[] mask) {
        Arrays.sort(keys);
        for (int i = 0; i < count; i++) {
            mask[(int) keys[i]] = 0f;
        }
    }

    /** N:M masks for 2-D weights {@code [out, in]}: groups of {@code m} along the input axis keep {@code n}. */
    public static PruningMasks nOfM(Map<String, Var> weights, int n, int m) {
        if (m < 1 || n < 1 || n > m) {
            throw new IllegalArgumentException("N:M pruning needs 1 <= N <= M, got " + n + ":" + m);
        }
        Map<String, float[]> masks = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : weights.entrySet()) {
            int[] s = e.getValue().shape();
            if (s.length != 2) {
                throw new IllegalArgumentException("N:M pruning needs a matrix [out, in]; '" + e.getKey() + "' is "
                        + Arrays.toString(s));
            }
            masks.put(e.getKey(), nOfMMask(values(e.getValue()), s[0], s[1], n, m));
        }
        return new PruningMasks(masks);
    }

    /** The kept pattern of {@link NmMatrix#fromDense}: the same selection, so a masked layer packs without loss. */
    private static float[] nOfMMask(float[] w, int rows, int cols, int n, int m) {
        float[] mask = new float[w.length];
        boolean[] keep = new boolean[m];
        for (int r = 0; r < rows; r++) {
            for (int g0 = 0; g0 < cols; g0 += m) {
                int len = Math.min(m, cols - g0);
                int base = r * cols + g0;
                NmMatrix.selectLargest(w, base, len, Math.min(n, len), keep);
                for (int j = 0; j < len; j++) {
                    mask[base + j] = keep[j] ? 1f : 0f;
                }
            }
        }
        return mask;
    }

    /** The value of {@code v} as a fresh row-major array. */
    static float[] values(Var v) {
        return v.value().toArray();
    }
}
