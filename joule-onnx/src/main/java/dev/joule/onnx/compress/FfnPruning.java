package dev.joule.onnx.compress;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.ops.FusedOps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured pruning of a transformer's feed-forward blocks on a loaded (fused) graph:
 * {@code Linear(up) → Gelu → Linear(down)}. With calibration ({@link #calibrate}: the GELU output
 * {@code h} on sample sentences) each intermediate channel {@code c} is scored by how much its
 * contribution varies, {@code std(h_c) · ‖W_down[c, :]‖}, and a removed channel's mean contribution
 * {@code mean(h_c) · W_down[c, :]} is folded into the down bias (bias correction); without
 * calibration by the weights alone, {@code ‖W_up[:, c]‖ · ‖W_down[c, :]‖}. The lowest-scoring
 * fraction is removed physically: the up weight and bias lose those columns, the down weight those
 * rows, so both products shrink. No fine-tuning: the fidelity report says what that costs.
 */
public final class FfnPruning {
    /** The pruned graph and, per block, the channels before and after. */
    public record Result(Graph graph, List<String> blocks, int channelsBefore, int channelsAfter) {}

    /** Per-channel mean and standard deviation of a block's GELU output over the calibration tokens. */
    public record ChannelStats(double[] mean, double[] std) {}

    private FfnPruning() {}

    /** Removes {@code fraction} of every block's channels, scored by weights alone; the graph itself is unchanged. */
    public static Result prune(Graph graph, double fraction) {
        return prune(graph, fraction, Map.of());
    }

    /**
     * The GELU outputs of every feed-forward block to calibrate on: their names, as {@link #calibrate}
     * and {@link #prune(Graph, double, Map)} key them.
     */
    public static List<String> activationNames(Graph graph) {
        Map<String, Integer> readers = readerCounts(graph.nodes());
        List<String> names = new ArrayList<>();
        for (Node up : graph.nodes()) {
            Node gelu = up.opType().equals(FusedOps.LINEAR) ? soleReader(graph.nodes(), readers, up, FusedOps.GELU) : null;
            if (gelu != null && soleReader(graph.nodes(), readers, gelu, FusedOps.LINEAR) != null) {
                names.add(gelu.outputs().get(0));
            }
        }
        return names;
    }

    /**
     * Mean and standard deviation per channel of every feed-forward block's GELU output over
     * {@code sentences}, each run alone (no padding), with {@code encoder} (the f32 model).
     */
    public static Map<String, ChannelStats> calibrate(dev.joule.onnx.embed.JouleSentenceEncoder encoder, List<String> sentences) {
        java.util.Set<String> names = new java.util.HashSet<>(activationNames(encoder.model().graph()));
        Map<String, double[][]> sums = new HashMap<>();
        long rows = 0;
        for (String s : sentences) {
            Map<String, Value> got = encoder.capture(List.of(s), names);
            for (Map.Entry<String, Value> e : got.entrySet()) {
                float[] h = ((FloatValue) e.getValue()).toArray();
                int f = e.getValue().shape()[e.getValue().rank() - 1];
                double[][] acc = sums.computeIfAbsent(e.getKey(), k -> new double[2][f]);
                for (int i = 0; i < h.length; i++) {
                    acc[0][i % f] += h[i];
                    acc[1][i % f] += (double) h[i] * h[i];
                }
            }
            Value any = got.values().iterator().next();
            rows += any.size() / any.shape()[any.rank() - 1];
        }
        Map<String, ChannelStats> stats = new HashMap<>();
        for (Map.Entry<String, double[][]> e : sums.entrySet()) {
            int f = e.getValue()[0].length;
            double[] mean = new double[f];
            double[] std = new double[f];
            for (int c = 0; c < f; c++) {
                mean[c] = e.getValue()[0][c] / rows;
                std[c] = Math.sqrt(Math.max(0, e.getValue()[1][c] / rows - mean[c] * mean[c]));
            }
            stats.put(e.getKey(), new ChannelStats(mean, std));
        }
        return stats;
    }

    /**
     * Removes {@code fraction} (0 ≤ f < 1) of every feed-forward block's channels, scored with the
     * calibrated activity where {@code activity} has the block's GELU output, else by weights alone;
     * the graph itself is unchanged.
     */
    public static Result prune(Graph graph, double fraction, Map<String, ChannelStats> activity) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("FFN pruning fraction must be in [0, 1), got " + fraction);
        }
        Map<String, Value> constants = new HashMap<>(graph.constants());
        Map<String, Integer> readers = readerCounts(graph.nodes());
        List<String> blocks = new ArrayList<>();
        int before = 0;
        int after = 0;
        for (Node up : graph.nodes()) {
            Node gelu = soleReader(graph.nodes(), readers, up, FusedOps.GELU);
            Node down = gelu == null ? null : soleReader(graph.nodes(), readers, gelu, FusedOps.LINEAR);
            if (!up.opType().equals(FusedOps.LINEAR) || down == null) {
                continue;
            }
            float[][] w1 = matrix(constants, up.inputs().get(1), readers);
            float[][] w2 = matrix(constants, down.inputs().get(1), readers);
            Value b1 = constants.get(up.inputs().get(2));
            if (w1 == null || w2 == null || !(b1 instanceof FloatValue)) {
                continue;
            }
            int d = shape(constants, up.inputs().get(1))[0];
            int f = shape(constants, up.inputs().get(1))[1];
            int out = shape(constants, down.inputs().get(1))[1];
            if (shape(constants, down.inputs().get(1))[0] != f) {
                throw new OnnxException(down.describe() + ": weight does not take the " + f + " channels " + up.describe() + " makes");
            }
            ChannelStats stats = activity.get(gelu.outputs().get(0));
            Value b2 = constants.get(down.inputs().get(2));
            if (stats != null && !(b2 instanceof FloatValue && readers.getOrDefault(down.inputs().get(2), 0) == 1)) {
                continue;
            }
            int[] kept = keptChannels(w1[0], d, f, w2[0], out, fraction, stats == null ? null : stats.std());
            constants.put(up.inputs().get(1), FloatValue.of(columns(w1[0], d, f, kept), d, kept.length));
            constants.put(up.inputs().get(2), FloatValue.of(columns(((FloatValue) b1).toArray(), 1, f, kept), kept.length));
            constants.put(down.inputs().get(1), FloatValue.of(rows(w2[0], f, out, kept), kept.length, out));
            if (stats != null) {
                constants.put(down.inputs().get(2), FloatValue.of(
                        PrunedUnits.fold(((FloatValue) b2).toArray(), w2[0], out, kept, stats.mean()), out));
            }
            blocks.add(up.name());
            before += f;
            after += kept.length;
        }
        Graph pruned = new Graph(graph.nodes(), Map.copyOf(constants), graph.inputs(), graph.outputs(), graph.opset());
        return new Result(pruned, List.copyOf(blocks), before, after);
    }

    /** Indices (ascending) of the {@code f - round(fraction·f)} highest-scoring channels. */
    static int[] keptChannels(float[] w1, int d, int f, float[] w2, int out, double fraction, double[] activity) {
        double[] score = new double[f];
        for (int c = 0; c < f; c++) {
            double a = 0;
            for (int i = 0; i < d; i++) {
                a += (double) w1[i * f + c] * w1[i * f + c];
            }
            if (activity != null) {
                a = activity[c] * activity[c];
            }
            double b = 0;
            for (int o = 0; o < out; o++) {
                b += (double) w2[c * out + o] * w2[c * out + o];
            }
            score[c] = Math.sqrt(a * b);
        }
        int keep = Math.max(1, f - (int) Math.round(fraction * f));
        return PrunedUnits.highest(score, keep);
    }

    private static float[] columns(float[] m, int rows, int cols, int[] kept) {
        float[] r = new float[rows * kept.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < kept.length; j++) {
                r[i * kept.length + j] = m[i * cols + kept[j]];
            }
        }
        return r;
    }

    private static float[] rows(float[] m, int rows, int cols, int[] kept) {
        float[] r = new float[kept.length * cols];
        for (int j = 0; j < kept.length; j++) {
            System.arraycopy(m, kept[j] * cols, r, j * cols, cols);
        }
        return r;
    }

    /** The constant's data when it is a 2-D float read by one node only (shared weights are left alone). */
    private static float[][] matrix(Map<String, Value> constants, String name, Map<String, Integer> readers) {
        Value v = constants.get(name);
        if (!(v instanceof FloatValue fv) || fv.rank() != 2 || readers.getOrDefault(name, 0) != 1) {
            return null;
        }
        return new float[][] {fv.toArray()};
    }

    private static int[] shape(Map<String, Value> constants, String name) {
        return constants.get(name).shape();
    }

    private static Map<String, Integer> readerCounts(List<Node> nodes) {
        Map<String, Integer> n = new HashMap<>();
        for (Node node : nodes) {
            for (String in : node.inputs()) {
                n.merge(in, 1, Integer::sum);
            }
        }
        return n;
    }

    private static Node soleReader(List<Node> nodes, Map<String, Integer> readers, Node producer, String opType) {
        if (producer.outputs().size() != 1 || readers.getOrDefault(producer.outputs().get(0), 0) != 1) {
            return null;
        }
        String v = producer.outputs().get(0);
        for (Node n : nodes) {
            if (n.inputs().contains(v)) {
                return n.opType().equals(opType) && n.inputs().get(0).equals(v) ? n : null;
            }
        }
        return null;
    }
}
