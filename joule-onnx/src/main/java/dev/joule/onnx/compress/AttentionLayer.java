package dev.joule.onnx.compress;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.GraphInput;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.ops.FusedOps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-attention block of a loaded (fused) graph, found by structure so its heads can be pruned:
 * <pre>
 *   x → Linear(Wq [d, H·dh], bq) → Reshape(·, [.., .., H, dh]) ─┐
 *   x → Linear(Wk, bk)           → Reshape(·, [.., .., H, dh]) ─┼→ joule.Attention → [B, T, H, dh]
 *   x → Linear(Wv, bv)           → Reshape(·, [.., .., H, dh]) ─┘      → Reshape(·, [.., .., H·dh]) → Linear(Wo [H·dh, D], bo)
 * </pre>
 * Head {@code h} owns columns {@code h·dh .. (h+1)·dh} of Wq, Wk, Wv (and those bias entries) and the
 * same rows of Wo. The head count sits in the reshape targets, either as a constant target or as one
 * constant piece of a {@code Concat} (PyTorch's exporter builds {@code [B, T, 12, 32]} from
 * {@code Shape → Gather} of the batch and sequence sizes, so any batch and length still work).
 * Besides the reshapes, the projections' outputs and the attention output may only be read by
 * {@code Shape} nodes whose sizes feed {@code Gather}s of axes 0 and 1 (batch, tokens): every other
 * reader could depend on the width that pruning changes, and the block is then left alone.
 *
 * @param qkv the query, key and value projections (joule.Linear), in that order
 * @param qkvHeadCount where each projection's reshape target holds H (null: inferred by -1, nothing to rewrite)
 * @param outWidth where the output reshape target holds H·dh (null: inferred by -1)
 */
record AttentionLayer(Node attention, Node[] qkv, Slot[] qkvHeadCount, Node out, Slot outWidth, int heads, int headDim) {

    /** Element {@code element} of the int constant that {@code node} reads as input {@code input}. */
    record Slot(Node node, int input, int element) {}

    /** The attention output's name: what calibration captures. */
    String contextName() {
        return attention.outputs().get(0);
    }

    /** Every attention block of {@code graph} that head pruning can rewrite, in graph order. */
    static List<AttentionLayer> find(Graph graph) {
        Finder f = new Finder(graph);
        List<AttentionLayer> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.opType().equals(FusedOps.ATTENTION) && n.inputs().size() >= 3) {
                AttentionLayer layer = f.layer(n);
                if (layer != null) {
                    layers.add(layer);
                }
            }
        }
        return layers;
    }

    private static final class Finder {
        private final Graph graph;
        private final Map<String, Node> producer = new HashMap<>();
        private final Map<String, List<Node>> readers = new HashMap<>();

        Finder(Graph graph) {
            this.graph = graph;
            for (Node n : graph.nodes()) {
                n.outputs().forEach(o -> producer.put(o, n));
                n.inputs().forEach(i -> readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
            }
            for (GraphInput o : graph.outputs()) {
                readers.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(null);
            }
        }

        AttentionLayer layer(Node attention) {
            Node[] qkv = new Node[3];
            Slot[] headSlots = new Slot[3];
            int heads = -1;
            int headDim = -1;
            for (int i = 0; i < 3; i++) {
                Node reshape = producer.get(attention.inputs().get(i));
                if (reshape == null || !reshape.opType().equals("Reshape") || !onlyReadBy(reshape.outputs().get(0), attention)) {
                    return null;
                }
                qkv[i] = producer.get(reshape.inputs().get(0));
                int[] w = qkv[i] == null ? null : linearWeightShape(qkv[i]);
                if (w == null || !onlySizedBesides(qkv[i].outputs().get(0), reshape)) {
                    return null;
                }
                long[] target = target(reshape, 4);
                if (target == null || target[3] <= 0 || w[1] % target[3] != 0) {
                    return null;
                }
                int h = w[1] / (int) target[3];
                if (target[2] != h && target[2] != -1 || heads >= 0 && (h != heads || target[3] != headDim)) {
                    return null;
                }
                heads = h;
                headDim = (int) target[3];
                headSlots[i] = target[2] == -1 ? null : slot(reshape, 2);
            }
            String context = attention.outputs().get(0);
            List<Node> ctxReaders = readers.getOrDefault(context, List.of());
            Node back = ctxReaders.stream().filter(r -> r != null && r.opType().equals("Reshape")
                    && r.inputs().get(0).equals(context)).findFirst().orElse(null);
            if (back == null || !onlySizedBesides(context, back)) {
                return null;
            }
            List<Node> backReaders = readers.getOrDefault(back.outputs().get(0), List.of());
            Node out = backReaders.size() == 1 ? backReaders.get(0) : null;
            int[] wo = out == null || !out.inputs().get(0).equals(back.outputs().get(0)) ? null : linearWeightShape(out);
            long[] target = target(back, 3);
            if (wo == null || wo[0] != heads * headDim || target == null || target[2] != wo[0] && target[2] != -1) {
                return null;
            }
            Slot width = target[2] == -1 ? null : slot(back, 2);
            return new AttentionLayer(attention, qkv, headSlots, out, width, heads, headDim);
        }

        /** [in, out] of a joule.Linear whose 2-D weight and 1-D bias are constants read by it alone, else null. */
        private int[] linearWeightShape(Node n) {
            if (!n.opType().equals(FusedOps.LINEAR) || n.inputs().size() < 3) {
                return null;
            }
            Value w = graph.constants().get(n.inputs().get(1));
            Value b = graph.constants().get(n.inputs().get(2));
            if (!(w instanceof FloatValue) || w.rank() != 2 || !(b instanceof FloatValue) || b.size() != w.shape()[1]
                    || !onlyReadBy(n.inputs().get(1), n) || !onlyReadBy(n.inputs().get(2), n)) {
                return null;
            }
            return w.shape();
        }

        /**
         * The reshape's target when it is known before running: a constant of {@code rank} values, or a
         * Concat of {@code rank} one-element pieces (the batch and token pieces may be computed: they read as 0; from
         * the third on they must be constants).
         */
        private long[] target(Node reshape, int rank) {
            Value c = graph.constants().get(reshape.inputs().get(1));
            if (c instanceof IntValue iv) {
                return iv.size() == rank ? iv.data().clone() : null;
            }
            Node concat = producer.get(reshape.inputs().get(1));
            if (concat == null || !concat.opType().equals("Concat") || concat.inputs().size() != rank
                    || !onlyReadBy(concat.outputs().get(0), reshape)) {
                return null;
            }
            long[] t = new long[rank];
            for (int i = 2; i < rank; i++) {
                if (!(graph.constants().get(concat.inputs().get(i)) instanceof IntValue piece) || piece.size() != 1) {
                    return null;
                }
                t[i] = piece.data()[0];
            }
            return t;
        }

        private Slot slot(Node reshape, int element) {
            if (graph.constants().get(reshape.inputs().get(1)) instanceof IntValue) {
                return new Slot(reshape, 1, element);
            }
            return new Slot(producer.get(reshape.inputs().get(1)), element, 0);
        }

        private boolean onlyReadBy(String value, Node reader) {
            List<Node> r = readers.getOrDefault(value, List.of());
            return r.stream().allMatch(n -> n == reader);
        }

        /** True when every reader of {@code value} but {@code main} is a Shape whose sizes only go to Gathers of axis 0 or 1. */
        private boolean onlySizedBesides(String value, Node main) {
            for (Node r : readers.getOrDefault(value, List.of())) {
                if (r == main) {
                    continue;
                }
                if (r == null || !r.opType().equals("Shape") || r.has("start") || r.has("end")) {
                    return false;
                }
                for (Node g : readers.getOrDefault(r.outputs().get(0), List.of())) {
                    if (g == null || !g.opType().equals("Gather") || g.attrInt("axis", 0) != 0
                            || !(graph.constants().get(g.inputs().get(1)) instanceof IntValue idx)
                            || idx.size() != 1 || idx.data()[0] < 0 || idx.data()[0] > 1) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
