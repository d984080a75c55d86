package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.NeuronGroup.Axis;
import dev.joule.compress.prune.NeuronGroup.Span;
import dev.joule.nn.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured magnitude pruning: in each {@link NeuronGroup} the units with the smallest L2 norm of their
 * weights (producer rows and consumer columns together) are removed, and the model is physically shrunk —
 * the {@link ShrinkPlan} lists per weight matrix the rows and columns that remain, so dense kernels see smaller
 * matrices ({@link ShrunkForms#attach}).
 *
 * <p>Removing a unit zeroes its producer rows, bias entries and consumer columns. The masked dense model and
 * the shrunk model compute the same function: the dropped columns are 0 in the dense model, and the dropped
 * rows only feed those columns.
 */
public final class StructuredPruning {
    private StructuredPruning() {}

    /**
     * What was pruned.
     *
     * @param masks       the masks, already applied to the model
     * @param plan        per weight matrix, the kept rows and columns
     * @param prunedUnits per group name, the removed unit indices (ascending)
     */
    public record Result(PruningMasks masks, ShrinkPlan plan, Map<String, int[]> prunedUnits) {
        public Result {
            prunedUnits = Collections.unmodifiableMap(new LinkedHashMap<>(prunedUnits));
        }
    }

    /** Prunes {@code fraction} of the units of every group of {@code model} ({@link NeuronGroups#of}). */
    public static Result prune(Model model, double fraction) {
        return prune(model, NeuronGroups.of(model), fraction);
    }

    /**
     * Prunes {@code round(fraction · units)} units of each of {@code groups} (at least one unit stays per group),
     * the ones of smallest L2 norm (ties: the lower index goes first), and applies the masks to the model's
     * weights in place. Parameters in several groups (an LSTM's {@code weight_hh} is produced by and consumed by
     * the same layer) get one mask holding every group's zeros.
     */
    public static Result prune(Model model, List<NeuronGroup> groups, double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("structured pruning fraction must be in [0, 1), got " + fraction);
        }
        Map<String, Var> params = model.namedParameters();
        NeuronGroups.check(params, groups);
        Map<String, float[]> masks = new LinkedHashMap<>();
        Map<String, int[]> pruned = new LinkedHashMap<>();
        for (NeuronGroup g : groups) {
            int count = Math.min(g.units() - 1, (int) Math.round(fraction * g.units()));
            int[] removed = smallestUnits(params, g, count);
            pruned.put(g.name(), removed);
            for (Span s : concat(g.producers(), g.consumers())) {
                float[] mask = masks.computeIfAbsent(s.param(), n -> ones(params.get(n).value().size()));
                int[] shape = params.get(s.param()).shape();
                for (int u : removed) {
                    zero(mask, shape, s, u);
                }
            }
        }
        PruningMasks result = new PruningMasks(masks);
        result.apply(params);
        return new Result(result, ShrinkPlan.fromMasks(result, params), pruned);
    }

    /** The L2 norm of unit {@code u}'s weights in {@code g} (matrices only; biases are not part of the ranking). */
    public static double unitNorm(Map<String, Var> params, NeuronGroup g, int u) {
        double sum = 0;
        for (Span s : concat(g.producers(), g.consumers())) {
            Var p = params.get(s.param());
            int[] shape = p.shape();
            if (shape.length != 2) {
                continue;
            }
            float[] d = p.value().data();
            int off = p.value().offset();
            int cols = shape[1];
            for (int i : s.indices(u)) {
                if (s.axis() == Axis.ROWS) {
                    for (int c = 0; c < cols; c++) {
                        double w = d[off + i * cols + c];
                        sum += w * w;
                    }
                } else {
                    for (int r = 0; r < shape[0]; r++) {
                        double w = d[off + r * cols + i];
                        sum += w * w;
                    }
                }
            }
        }
        return Math.sqrt(sum);
    }

    private static int[] smallestUnits(Map<String, Var> params, NeuronGroup g, int count) {
        double[] norms = new double[g.units()];
        List<Integer> order = new ArrayList<>();
        for (int u = 0; u < g.units(); u++) {
            norms[u] = unitNorm(params, g, u);
            order.add(u);
        }
        order.sort(Comparator.<Integer>comparingDouble(u -> norms[u]).thenComparingInt(u -> u));
        int[] removed = new int[count];
        for (int i = 0; i < count; i++) {
            removed[i] = order.get(i);
        }
        Arrays.sort(removed);
        return removed;
    }

    private static void zero(float[] mask, int[] shape, Span s, int u) {
        int cols = shape.length == 2 ? shape[1] : 1;
        for (int i : s.indices(u)) {
            if (s.axis() == Axis.ROWS) {
                Arrays.fill(mask, i * cols, (i + 1) * cols, 0f);
            } else {
                for (int r = 0; r < shape[0]; r++) {
                    mask[r * cols + i] = 0f;
                }
            }
        }
    }

    private static float[] ones(int n) {
        float[] m = new float[n];
        Arrays.fill(m, 1f);
        return m;
    }

    private static List<Span> concat(List<Span> a, List<Span> b) {
        List<Span> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
