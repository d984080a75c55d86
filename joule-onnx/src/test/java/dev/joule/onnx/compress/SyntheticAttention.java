package dev.joule.onnx.compress;

import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.IntValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.GraphInput;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.ops.FusedOps;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A one-block fused attention graph shaped like PyTorch's BERT export, small enough for fast tests:
 * {@code x [B, T, 8]} and an additive mask {@code [B, 1, 1, T]} in, {@code y [B, T, 8]} out, 4 heads of 2.
 * The three projections' reshape targets come three ways, as exporters write them: the query's from
 * {@code Shape → Gather → Unsqueeze → Concat} with constant {@code [4]}, {@code [2]}; the key's a
 * constant {@code [0, 0, 4, 2]}; the value's {@code [0, 0, -1, 2]} (heads inferred). The output reshape
 * is a Concat ending in constant {@code [8]}.
 */
final class SyntheticAttention {
    static final int D = 8;
    static final int HEADS = 4;
    static final int HEAD_DIM = 2;
    static final String CONTEXT = "ctx";
    static final String WO = "Wo";

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Value> constants = new HashMap<>();

    private SyntheticAttention() {}

    /** The graph with weights drawn from {@code seed}; {@code edit} may change them first (by name: Wq, bq, Wk, bk, Wv, bv, Wo, bo). */
    static Graph build(long seed, java.util.function.Consumer<Map<String, float[]>> edit) {
        Random r = new Random(seed);
        Map<String, float[]> w = new HashMap<>();
        for (String p : List.of("q", "k", "v", "o")) {
            w.put("W" + p, random(r, D * D, 0.5f));
            w.put("b" + p, random(r, D, 0.2f));
        }
        edit.accept(w);
        SyntheticAttention g = new SyntheticAttention();
        w.forEach((name, data) -> g.constants.put(name, data.length == D ? FloatValue.of(data, D) : FloatValue.of(data, D, D)));
        g.linear("q", "x");
        g.linear("k", "x");
        g.linear("v", "x");
        g.reshape("q", g.sizedTarget("q", 4, 2), "q4");
        g.constants.put("kShape", IntValue.int64(new long[] {0, 0, HEADS, HEAD_DIM}, 4));
        g.reshape("k", "kShape", "k4");
        g.constants.put("vShape", IntValue.int64(new long[] {0, 0, -1, HEAD_DIM}, 4));
        g.reshape("v", "vShape", "v4");
        AttributeProto scale = AttributeProto.newBuilder().setName("scale").setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) (1 / Math.sqrt(HEAD_DIM))).build();
        g.nodes.add(new Node("attention", FusedOps.ATTENTION, List.of("q4", "k4", "v4", "mask"), List.of(CONTEXT),
                Map.of("scale", scale), 11));
        g.reshape(CONTEXT, g.sizedTarget(CONTEXT, D), "ctx3");
        g.nodes.add(new Node("out", FusedOps.LINEAR, List.of("ctx3", WO, "bo"), List.of("y"), Map.of(), 11));
        List<GraphInput> inputs = List.of(
                new GraphInput("x", ElementType.FLOAT, new int[] {-1, -1, D}, new String[] {"batch", "tokens", null}),
                new GraphInput("mask", ElementType.FLOAT, new int[] {-1, 1, 1, -1}, new String[] {"batch", null, null, "tokens"}));
        List<GraphInput> outputs = List.of(new GraphInput("y", ElementType.FLOAT, new int[] {-1, -1, D},
                new String[] {"batch", "tokens", null}));
        return new Graph(List.copyOf(g.nodes), Map.copyOf(g.constants), inputs, outputs, 11);
    }

    /** Inputs of {@code lengths.length} sequences padded to the longest: x random, mask −1e9 on padding. */
    static Map<String, Value> inputs(long seed, int... lengths) {
        int t = java.util.Arrays.stream(lengths).max().orElseThrow();
        float[] x = random(new Random(seed), lengths.length * t * D, 1f);
        float[] mask = new float[lengths.length * t];
        for (int b = 0; b < lengths.length; b++) {
            for (int j = lengths[b]; j < t; j++) {
                mask[b * t + j] = -1e9f;
            }
        }
        return Map.of("x", FloatValue.of(x, lengths.length, t, D), "mask", FloatValue.of(mask, lengths.length, 1, 1, t));
    }

    private void linear(String p, String x) {
        nodes.add(new Node(p + "/joule.Linear", FusedOps.LINEAR, List.of(x, "W" + p, "b" + p), List.of(p), Map.of(), 11));
    }

    private void reshape(String x, String target, String out) {
        nodes.add(new Node(x + "/Reshape", "Reshape", List.of(x, target), List.of(out), Map.of(), 11));
    }

    /** Concat(Unsqueeze(Gather(Shape(x), 0)), Unsqueeze(Gather(Shape(x), 1)), [tail...]): PyTorch's view(B, T, ...). */
    private String sizedTarget(String x, long... tail) {
        nodes.add(new Node(x + "/Shape", "Shape", List.of(x), List.of(x + ".shape"), Map.of(), 11));
        List<String> pieces = new ArrayList<>();
        for (int axis = 0; axis < 2; axis++) {
            String idx = x + ".axis" + axis;
            constants.put(idx, IntValue.scalar(axis));
            nodes.add(new Node(x + "/Gather" + axis, "Gather", List.of(x + ".shape", idx), List.of(idx + ".size"),
                    Map.of("axis", intAttr("axis", 0)), 11));
            nodes.add(new Node(x + "/Unsqueeze" + axis, "Unsqueeze", List.of(idx + ".size"), List.of(idx + ".piece"),
                    Map.of("axes", AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS)
                            .addInts(0).build()), 11));
            pieces.add(idx + ".piece");
        }
        for (int i = 0; i < tail.length; i++) {
            String c = x + ".tail" + i;
            constants.put(c, IntValue.int64(new long[] {tail[i]}, 1));
            pieces.add(c);
        }
        nodes.add(new Node(x + "/Concat", "Concat", pieces, List.of(x + ".target"), Map.of("axis", intAttr("axis", 0)), 11));
        return x + ".target";
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }
}
