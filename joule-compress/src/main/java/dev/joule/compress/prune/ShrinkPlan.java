package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per weight matrix, the rows and columns that survive structured pruning, so the matrix can run as a smaller
 * dense one ({@code ShrunkWeights}): only {@code keptRows × keptCols} are stored and multiplied, inputs are
 * gathered from {@code keptCols}, outputs scattered to {@code keptRows}, every other output is 0.
 *
 * <p>A row is dropped when its mask is all 0 (its output is exactly 0 before the bias), a column when its
 * mask is all 0 (its input is multiplied by 0 only), so a plan built from masks is correct for any masks —
 * structured ones just make whole rows and columns vanish.
 */
public record ShrinkPlan(Map<String, Shrink> layers) {
    public ShrinkPlan {
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /**
     * One matrix {@code [out, in]} and what remains of it.
     *
     * @param keptRows ascending row indices that are kept
     * @param keptCols ascending column indices that are kept
     */
    public record Shrink(int out, int in, int[] keptRows, int[] keptCols) {
        public Shrink {
            keptRows = keptRows.clone();
            keptCols = keptCols.clone();
        }

        /** Multiply-accumulates per input row of the shrunk matrix. */
        public long keptMacs() {
            return (long) keptRows.length * keptCols.length;
        }

        /** Kept MACs over dense MACs. */
        public double keptFraction() {
            return (double) keptMacs() / ((long) out * in);
        }

        @Override
        public String toString() {
            return "[" + out + ", " + in + "] → [" + keptRows.length + ", " + keptCols.length + "]";
        }
    }

    /** The plan of every 2-D masked parameter that loses at least one whole row or column. */
    public static ShrinkPlan fromMasks(PruningMasks masks, Map<String, Var> params) {
        Map<String, Shrink> out = new LinkedHashMap<>();
        for (String name : masks.names()) {
            Var p = params.get(name);
            if (p == null || p.shape().length != 2) {
                continue;
            }
            int rows = p.shape()[0];
            int cols = p.shape()[1];
            float[] m = masks.mask(name);
            boolean[] rowAlive = new boolean[rows];
            boolean[] colAlive = new boolean[cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    if (m[r * cols + c] != 0f) {
                        rowAlive[r] = true;
                        colAlive[c] = true;
                    }
                }
            }
            int[] keptRows = alive(rowAlive);
            int[] keptCols = alive(colAlive);
            if (keptRows.length < rows || keptCols.length < cols) {
                out.put(name, new Shrink(rows, cols, keptRows, keptCols));
            }
        }
        return new ShrinkPlan(out);
    }

    private static int[] alive(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Kept MACs over dense MACs summed over every matrix of the plan. */
    public double keptMacFraction() {
        long kept = 0;
        long dense = 0;
        for (Shrink s : layers.values()) {
            kept += s.keptMacs();
            dense += (long) s.out() * s.in();
        }
        return dense == 0 ? 1 : (double) kept / dense;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ShrinkPlan{");
        layers.forEach((n, s) -> b.append(n).append(' ').append(s).append("; "));
        return b.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShrinkPlan p && p.layers.keySet().equals(layers.keySet())
                && layers.entrySet().stream().allMatch(e -> {
                    Shrink a = e.getValue();
                    Shrink b = p.layers.get(e.getKey());
                    return a.out() == b.out() && a.in() == b.in() && Arrays.equals(a.keptRows(), b.keptRows())
                            && Arrays.equals(a.keptCols(), b.keptCols());
                });
    }

    @Override
    public int hashCode() {
        return layers.keySet().hashCode();
    }
}
