package dev.joule.onnx.compress;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Structured pruning of a transformer's attention heads on a loaded (fused) graph (the blocks
 * {@link AttentionLayer} finds). Head {@code h}'s context {@code c_h} (its {@code dh} values per token)
 * reaches the block's output only through {@code c_h · Wo_h} ({@code Wo_h}: its {@code dh} rows of the
 * out-projection). With calibration ({@link #calibrate}) a head is scored by how much that contribution
 * varies over the sample tokens, {@code √E‖(c_h − mean c_h)·Wo_h‖²}, and a removed head's mean
 * contribution {@code mean(c_h)·Wo_h} is folded into the out-projection bias (bias correction);
 * without calibration by the weights alone, {@code ‖Wv[:, h]‖·‖Wo_h‖} ({@link HeadAblation} gives a
 * third score). {@link #prune} removes the same lowest-scoring fraction of every block,
 * {@link #pruneGlobally} the lowest-scoring heads wherever they are, {@link #keep} the heads it is told.
 * Removal is physical: Wq, Wk, Wv and their biases lose the heads' columns, Wo their rows, and the head
 * count in the reshape targets (and the width {@code H·dh} after attention) shrinks, so every
 * projection and the attention itself run on the kept heads only. The batch and sequence sizes stay
 * computed at run time. No fine-tuning: the fidelity report says what that costs.
 */
public final class HeadPruning {
    /** The pruned graph, the attention nodes pruned, and their heads before and after (summed). */
    public record Result(Graph graph, List<String> layers, int headsBefore, int headsAfter) {}

    /**
     * Per head of one attention block, from calibration: {@code activity[h]} is the root mean square of the
     * head's centred contribution to the out-projection, {@code mean[h]} its mean context ({@code dh} values).
     */
    public record HeadStats(double[] activity, double[][] mean) {}

    private HeadPruning() {}

    /** Removes {@code fraction} of every block's heads, scored by weights alone; the graph itself is unchanged. */
    public static Result prune(Graph graph, double fraction) {
        return prune(graph, fraction, Map.of());
    }

    /** The attention outputs to calibrate on: their names, as {@link #calibrate} and {@link #prune(Graph, double, Map)} key them. */
    public static List<String> contextNames(Graph graph) {
        return AttentionLayer.find(graph).stream().map(AttentionLayer::contextName).toList();
    }

    /** How many heads {@code fraction} removes from a block of {@code heads}: round(fraction·H), at least one kept. */
    public static int removedHeads(int heads, double fraction) {
        checkFraction(fraction);
        return Math.min(heads - 1, (int) Math.round(fraction * heads));
    }

    /**
     * Removes {@code fraction} (0 ≤ f < 1) of every attention block's heads, scored with the calibrated
     * activity where {@code activity} has the block's context, else by weights alone; the graph itself
     * is unchanged (the pruned one shares the untouched constants).
     */
    public static Result prune(Graph graph, double fraction, Map<String, HeadStats> activity) {
        checkFraction(fraction);
        Map<String, int[]> kept = new HashMap<>();
        for (AttentionLayer layer : AttentionLayer.find(graph)) {
            int h = layer.heads();
            HeadStats stats = statsOf(layer, activity);
            double[] score = stats != null ? stats.activity() : weightScores(graph.constants(), layer);
            kept.put(layer.contextName(), PrunedUnits.highest(score, h - removedHeads(h, fraction)));
        }
        return keep(graph, kept, activity);
    }

    /**
     * Removes {@code round(fraction · all heads)} heads across the blocks, the lowest-scoring first
     * wherever they are (at least one kept per block), scored as {@link #prune(Graph, double, Map)} does.
     * With calibration the activities are comparable across blocks (each is a contribution to the same
     * residual stream) and blocks that matter less lose more heads: on MiniLM this keeps far more of
     * the embeddings than the same number removed evenly (docs/onnx.md).
     */
    public static Result pruneGlobally(Graph graph, double fraction, Map<String, HeadStats> activity) {
        checkFraction(fraction);
        List<AttentionLayer> layers = AttentionLayer.find(graph);
        List<double[]> heads = new ArrayList<>();
        int total = 0;
        for (int l = 0; l < layers.size(); l++) {
            HeadStats stats = statsOf(layers.get(l), activity);
            double[] score = stats != null ? stats.activity() : weightScores(graph.constants(), layers.get(l));
            for (int h = 0; h < score.length; h++) {
                heads.add(new double[] {score[h], l, h});
            }
            total += score.length;
        }
        heads.sort((a, b) -> Double.compare(a[0], b[0]));
        boolean[][] removed = new boolean[layers.size()][];
        int[] left = new int[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            removed[l] = new boolean[layers.get(l).heads()];
            left[l] = layers.get(l).heads();
        }
        int toRemove = (int) Math.round(fraction * total);
        for (int i = 0; i < heads.size() && toRemove > 0; i++) {
            int l = (int) heads.get(i)[1];
            if (left[l] > 1) {
                removed[l][(int) heads.get(i)[2]] = true;
                left[l]--;
                toRemove--;
            }
        }
        Map<String, int[]> kept = new HashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            int[] k = new int[left[l]];
            for (int h = 0, j = 0; h < removed[l].length; h++) {
                if (!removed[l][h]) {
                    k[j++] = h;
                }
            }
            kept.put(layers.get(l).contextName(), k);
        }
        return keep(graph, kept, activity);
    }

    /**
     * Keeps exactly the heads {@code keptHeads} lists per attention block (keyed by its context name,
     * as {@link #contextNames}; indices ascending, at least one) and removes the others; blocks not
     * listed are left alone. Where {@code activity} has the block, the removed heads' mean contribution
     * goes into the out-projection bias.
     */
    public static Result keep(Graph graph, Map<String, int[]> keptHeads, Map<String, HeadStats> activity) {
        Map<String, Value> constants = new HashMap<>(graph.constants());
        Map<Node, List<String>> rewired = new IdentityHashMap<>();
        Set<String> names = new HashSet<>(constants.keySet());
        graph.nodes().forEach(n -> names.addAll(n.outputs()));
        List<String> layers = new ArrayList<>();
        int before = 0;
        int after = 0;
        for (AttentionLayer layer : AttentionLayer.find(graph)) {
            int[] kept = keptHeads.get(layer.contextName());
            if (kept == null) {
                continue;
            }
            int h = layer.heads();
            int dh = layer.headDim();
            checkKept(layer, kept);
            HeadStats stats = statsOf(layer, activity);
            for (Node proj : layer.qkv()) {
                int in = constants.get(proj.inputs().get(1)).shape()[0];
                constants.put(proj.inputs().get(1), FloatValue.of(headColumns(floats(constants, proj.inputs().get(1)), in, h, dh, kept),
                        in, kept.length * dh));
                constants.put(proj.inputs().get(2), FloatValue.of(headColumns(floats(constants, proj.inputs().get(2)), 1, h, dh, kept),
                        kept.length * dh));
            }
            float[] wo = floats(constants, layer.out().inputs().get(1));
            int d = constants.get(layer.out().inputs().get(1)).shape()[1];
            constants.put(layer.out().inputs().get(1), FloatValue.of(headRows(wo, d, dh, kept), kept.length * dh, d));
            if (stats != null) {
                float[] bias = floats(constants, layer.out().inputs().get(2));
                constants.put(layer.out().inputs().get(2), FloatValue.of(corrected(bias, wo, d, dh, kept, stats.mean()), d));
            }
            for (AttentionLayer.Slot s : layer.qkvHeadCount()) {
                rewire(s, kept.length, constants, rewired, names);
            }
            rewire(layer.outWidth(), kept.length * dh, constants, rewired, names);
            layers.add(layer.attention().name());
            before += h;
            after += kept.length;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            List<String> in = rewired.get(n);
            nodes.add(in == null ? n : new Node(n.name(), n.opType(), in, n.outputs(), n.attributes(), n.opset()));
        }
        Graph pruned = new Graph(List.copyOf(nodes), Map.copyOf(constants), graph.inputs(), graph.outputs(), graph.opset());
        return new Result(pruned, List.copyOf(layers), before, after);
    }

    private static HeadStats statsOf(AttentionLayer layer, Map<String, HeadStats> activity) {
        HeadStats stats = activity.get(layer.contextName());
        int h = layer.heads();
        if (stats != null && (stats.activity().length != h || stats.mean().length != h)) {
            throw new IllegalArgumentException(layer.attention().describe() + " has " + h + " heads, its calibration "
                    + stats.activity().length + "; calibrate on this graph");
        }
        return stats;
    }

    private static void checkKept(AttentionLayer layer, int[] kept) {
        boolean ok = kept.length >= 1;
        for (int i = 0; ok && i < kept.length; i++) {
            ok = kept[i] >= 0 && kept[i] < layer.heads() && (i == 0 || kept[i] > kept[i - 1]);
        }
        if (!ok) {
            throw new IllegalArgumentException(layer.attention().describe() + ": heads to keep must be ascending, distinct,"
                    + " at least one, within [0, " + layer.heads() + "); got " + Arrays.toString(kept));
        }
    }

    /**
     * Per attention block, the heads' activity and mean context over {@code sentences}, each run alone
     * (no padding), with {@code encoder} (the f32 model).
     */
    public static Map<String, HeadStats> calibrate(JouleSentenceEncoder encoder, List<String> sentences) {
        Graph graph = encoder.model().graph();
        Set<String> names = new HashSet<>(contextNames(graph));
        return calibrate(graph, sentences.stream().map(s -> encoder.capture(List.of(s), names)));
    }

    /**
     * The heads' statistics from {@code captures}: runs of {@code graph} each holding the attention
     * outputs named by {@link #contextNames} (every token counts, so leave padding out).
     */
    public static Map<String, HeadStats> calibrate(Graph graph, Stream<Map<String, Value>> captures) {
        Map<String, AttentionLayer> layers = new HashMap<>();
        AttentionLayer.find(graph).forEach(l -> layers.put(l.contextName(), l));
        Map<String, HeadMoments> moments = new HashMap<>();
        captures.forEach(run -> run.forEach((name, value) -> {
            AttentionLayer l = layers.get(name);
            if (l != null && value instanceof FloatValue f) {
                moments.computeIfAbsent(name, k -> new HeadMoments(l.heads(), l.headDim())).add(f.toArray());
            }
        }));
        Map<String, HeadStats> stats = new HashMap<>();
        moments.forEach((name, m) -> {
            Value wo = graph.constants().get(layers.get(name).out().inputs().get(1));
            stats.put(name, m.stats(((FloatValue) wo).toArray(), wo.shape()[1]));
        });
        return stats;
    }

    /** ‖Wv[:, h]‖·‖Wo_h‖ per head: the value path's gain through the head, ignoring where it attends. */
    private static double[] weightScores(Map<String, Value> constants, AttentionLayer layer) {
        float[] wo = floats(constants, layer.out().inputs().get(1));
        int d = constants.get(layer.out().inputs().get(1)).shape()[1];
        int h = layer.heads();
        int dh = layer.headDim();
        float[] wv = floats(constants, layer.qkv()[2].inputs().get(1));
        int in = wv.length / (h * dh);
        double[] score = new double[h];
        for (int head = 0; head < h; head++) {
            double v = 0;
            for (int i = 0; i < in; i++) {
                for (int j = head * dh; j < (head + 1) * dh; j++) {
                    v += (double) wv[i * h * dh + j] * wv[i * h * dh + j];
                }
            }
            double o = 0;
            for (int i = head * dh * d; i < (head + 1) * dh * d; i++) {
                o += (double) wo[i] * wo[i];
            }
            score[head] = Math.sqrt(v * o);
        }
        return score;
    }

    /** The out-projection bias plus every removed head's mean contribution {@code mean(c_h)·Wo_h}. */
    private static float[] corrected(float[] bias, float[] wo, int d, int dh, int[] kept, double[][] mean) {
        int[] keptChannels = new int[kept.length * dh];
        for (int i = 0; i < kept.length; i++) {
            for (int j = 0; j < dh; j++) {
                keptChannels[i * dh + j] = kept[i] * dh + j;
            }
        }
        double[] channelMean = new double[mean.length * dh];
        for (int h = 0; h < mean.length; h++) {
            System.arraycopy(mean[h], 0, channelMean, h * dh, dh);
        }
        return PrunedUnits.fold(bias, wo, d, keptChannels, channelMean);
    }

    /** The columns of the kept heads of a [rows, H·dh] matrix (rows = 1: a bias). */
    private static float[] headColumns(float[] m, int rows, int heads, int dh, int[] kept) {
        int width = heads * dh;
        float[] r = new float[rows * kept.length * dh];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < kept.length; k++) {
                System.arraycopy(m, i * width + kept[k] * dh, r, (i * kept.length + k) * dh, dh);
            }
        }
        return r;
    }

    /** The rows of the kept heads of a [H·dh, d] matrix. */
    private static float[] headRows(float[] m, int d, int dh, int[] kept) {
        float[] r = new float[kept.length * dh * d];
        for (int k = 0; k < kept.length; k++) {
            System.arraycopy(m, kept[k] * dh * d, r, k * dh * d, dh * d);
        }
        return r;
    }

    /**
     * Points the slot's node at a new constant equal to the old one with the slot's element set to
     * {@code value} (a new name: the old constant may be read elsewhere).
     */
    private static void rewire(AttentionLayer.Slot slot, long value, Map<String, Value> constants,
                               Map<Node, List<String>> rewired, Set<String> names) {
        if (slot == null) {
            return;
        }
        List<String> inputs = rewired.computeIfAbsent(slot.node(), n -> new ArrayList<>(n.inputs()));
        IntValue old = (IntValue) constants.get(inputs.get(slot.input()));
        long[] data = old.data().clone();
        data[slot.element()] = value;
        String name = inputs.get(slot.input()) + "/joule.heads";
        for (int i = 2; names.contains(name); i++) {
            name = inputs.get(slot.input()) + "/joule.heads" + i;
        }
        names.add(name);
        constants.put(name, new IntValue(data, old.shape(), old.type()));
        inputs.set(slot.input(), name);
    }

    private static float[] floats(Map<String, Value> constants, String name) {
        return ((FloatValue) constants.get(name)).toArray();
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("head pruning fraction must be in [0, 1) (the share of each attention block's"
                    + " heads to remove; at least one head is always kept), got " + fraction);
        }
    }
}
