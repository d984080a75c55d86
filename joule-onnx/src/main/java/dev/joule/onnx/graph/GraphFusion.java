package dev.joule.onnx.graph;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.ops.FusedOps;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces the subgraphs PyTorch's exporter writes for BERT's building blocks by Joule's fused
 * operators. Each pattern is matched exactly (op types, constants, and every intermediate value read
 * by nobody outside the pattern), otherwise the nodes are left alone and still run unfused:
 * <pre>
 *   Linear:    MatMul(x, W const [K, N]) → Add(·, b const [N])
 *   Gelu:      x / √2 → Erf → + 1 → x · (·) → · 0.5
 *   LayerNorm: m = mean(x); d = x − m; v = mean(d²); (d / √(v + ε)) · γ + β      (last axis)
 *   Attention: q, k, v [B, T, H, dh] → Transpose(0,2,1,3)/(0,2,3,1) → MatMul → / c (or · c) → [+ mask] → Softmax
 *              → MatMul(·, v') → Transpose(0,2,1,3), giving [B, T, H, dh] again
 * </pre>
 */
final class GraphFusion {
    private final List<Node> nodes;
    private final Map<String, Value> constants;
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, List<Integer>> readers = new HashMap<>();
    private final boolean[] removed;
    private final Node[] replacement;

    private GraphFusion(List<Node> nodes, Map<String, Value> constants, List<GraphInput> outputs) {
        this.nodes = nodes;
        this.constants = constants;
        this.removed = new boolean[nodes.size()];
        this.replacement = new Node[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                producer.put(o, i);
            }
            for (String in : nodes.get(i).inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
        }
        for (GraphInput o : outputs) {
            readers.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(-1);
        }
    }

    static List<Node> fuse(List<Node> nodes, Map<String, Value> constants, List<GraphInput> outputs) {
        GraphFusion f = new GraphFusion(nodes, constants, outputs);
        for (int i = 0; i < nodes.size(); i++) {
            switch (nodes.get(i).opType()) {
                case "Softmax" -> f.tryMatch(f::attention, i);
                case "Erf" -> f.tryMatch(f::gelu, i);
                case "ReduceMean" -> f.tryMatch(f::layerNorm, i);
                default -> { }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).opType().equals("MatMul")) {
                f.tryMatch(f::linear, i);
            }
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (f.replacement[i] != null) {
                out.add(f.replacement[i]);
            } else if (!f.removed[i]) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    /**
     * A node with fewer inputs or outputs than its op type has (a malformed file) simply does not
     * match; it stays in the graph and the executor reports it by name when it runs.
     */
    private void tryMatch(java.util.function.IntConsumer pattern, int node) {
        try {
            pattern.accept(node);
        } catch (IndexOutOfBoundsException malformed) {
            // no match
        }
    }

    // ---- patterns

    private void linear(int mm) {
        Node m = nodes.get(mm);
        float[] w = constFloats(m.inputs().get(1));
        Integer add = soleReader(m.outputs().get(0), "Add");
        if (w == null || constants.get(m.inputs().get(1)).rank() != 2 || add == null || removed[mm]) {
            return;
        }
        Node a = nodes.get(add);
        String bias = other(a, m.outputs().get(0));
        Value b = bias == null ? null : constants.get(bias);
        int n = constants.get(m.inputs().get(1)).shape()[1];
        if (!(b instanceof FloatValue) || b.rank() != 1 || b.shape()[0] != n) {
            return;
        }
        replace(List.of(mm, add), new Node(a.name() + "/joule.Linear", FusedOps.LINEAR,
                List.of(m.inputs().get(0), m.inputs().get(1), bias), a.outputs(), Map.of(), m.opset()));
    }

    private void gelu(int erf) {
        Node e = nodes.get(erf);
        Integer div = producerOf(e.inputs().get(0), "Div");
        if (div == null || !isConst(nodes.get(div).inputs().get(1), (float) Math.sqrt(2), 1e-4f)
                || !soleUse(nodes.get(div).outputs().get(0))) {
            return;
        }
        String x = nodes.get(div).inputs().get(0);
        Integer plus = soleReader(e.outputs().get(0), "Add");
        if (plus == null || !isConst(other(nodes.get(plus), e.outputs().get(0)), 1f, 0f)) {
            return;
        }
        Integer times = soleReader(nodes.get(plus).outputs().get(0), "Mul");
        if (times == null || !x.equals(other(nodes.get(times), nodes.get(plus).outputs().get(0)))) {
            return;
        }
        Integer half = soleReader(nodes.get(times).outputs().get(0), "Mul");
        if (half == null || !isConst(other(nodes.get(half), nodes.get(times).outputs().get(0)), 0.5f, 0f)) {
            return;
        }
        Node last = nodes.get(half);
        replace(List.of(div, erf, plus, times, half),
                new Node(last.name() + "/joule.Gelu", FusedOps.GELU, List.of(x), last.outputs(), Map.of(), e.opset()));
    }

    private void layerNorm(int rm) {
        Node mean = nodes.get(rm);
        if (removed[rm] || !lastAxisOnly(mean)) {
            return;
        }
        String x = mean.inputs().get(0);
        Integer sub = soleReader(mean.outputs().get(0), "Sub");
        if (sub == null || !x.equals(nodes.get(sub).inputs().get(0))) {
            return;
        }
        String d = nodes.get(sub).outputs().get(0);
        List<Integer> dReaders = readers.getOrDefault(d, List.of());
        Integer pow = find(dReaders, "Pow");
        Integer div = find(dReaders, "Div");
        if (dReaders.size() != 2 || pow == null || div == null || !isConst(nodes.get(pow).inputs().get(1), 2f, 0f)) {
            return;
        }
        Integer var = soleReader(nodes.get(pow).outputs().get(0), "ReduceMean");
        if (var == null || !lastAxisOnly(nodes.get(var))) {
            return;
        }
        Integer addEps = soleReader(nodes.get(var).outputs().get(0), "Add");
        float[] eps = addEps == null ? null : constFloats(other(nodes.get(addEps), nodes.get(var).outputs().get(0)));
        if (eps == null || eps.length != 1) {
            return;
        }
        Integer sqrt = soleReader(nodes.get(addEps).outputs().get(0), "Sqrt");
        if (sqrt == null || !nodes.get(div).inputs().equals(List.of(d, nodes.get(sqrt).outputs().get(0)))
                || !soleUse(nodes.get(sqrt).outputs().get(0))) {
            return;
        }
        Integer mul = soleReader(nodes.get(div).outputs().get(0), "Mul");
        String gamma = mul == null ? null : other(nodes.get(mul), nodes.get(div).outputs().get(0));
        Integer add = mul == null ? null : soleReader(nodes.get(mul).outputs().get(0), "Add");
        String beta = add == null ? null : other(nodes.get(add), nodes.get(mul).outputs().get(0));
        if (!isVector(gamma) || !isVector(beta)) {
            return;
        }
        Node last = nodes.get(add);
        AttributeProto epsAttr = AttributeProto.newBuilder().setName("epsilon")
                .setType(AttributeProto.AttributeType.FLOAT).setF(eps[0]).build();
        replace(List.of(rm, sub, pow, var, addEps, sqrt, div, mul, add), new Node(last.name() + "/joule.LayerNorm",
                FusedOps.LAYER_NORM, List.of(x, gamma, beta), last.outputs(), Map.of("epsilon", epsAttr), mean.opset()));
    }

    private void attention(int sm) {
        Node soft = nodes.get(sm);
        long axis = soft.attrInt("axis", soft.opset() < 13 ? 1 : -1);
        if (axis != 3 && axis != -1) {
            return;
        }
        Integer addMask = producerOf(soft.inputs().get(0), "Add");
        if (addMask != null && !soleUse(soft.inputs().get(0))) {
            return;
        }
        // Without a mask (e.g. Joule's own exports) the scaled scores go straight into the Softmax.
        String scaled = addMask == null ? soft.inputs().get(0) : nodes.get(addMask).inputs().get(0);
        String mask = addMask == null ? null : nodes.get(addMask).inputs().get(1);
        Integer scaleNode = producerOf(scaled, "Div");
        boolean divides = scaleNode != null;
        if (!divides) {
            scaleNode = producerOf(scaled, "Mul");
        }
        if (scaleNode == null || !soleUse(scaled)) {
            return;
        }
        float[] c = constFloats(nodes.get(scaleNode).inputs().get(1));
        Integer qk = producerOf(nodes.get(scaleNode).inputs().get(0), "MatMul");
        if (c == null || c.length != 1 || qk == null || !soleUse(nodes.get(qk).outputs().get(0))) {
            return;
        }
        Integer qt = producerOf(nodes.get(qk).inputs().get(0), "Transpose");
        Integer kt = producerOf(nodes.get(qk).inputs().get(1), "Transpose");
        Integer pv = soleReader(soft.outputs().get(0), "MatMul");
        if (qt == null || kt == null || pv == null || !perm(qt, 0, 2, 1, 3) || !perm(kt, 0, 2, 3, 1)
                || !soft.outputs().get(0).equals(nodes.get(pv).inputs().get(0))) {
            return;
        }
        Integer vt = producerOf(nodes.get(pv).inputs().get(1), "Transpose");
        Integer back = soleReader(nodes.get(pv).outputs().get(0), "Transpose");
        if (vt == null || back == null || !perm(vt, 0, 2, 1, 3) || !perm(back, 0, 2, 1, 3)
                || !soleUse(nodes.get(qt).outputs().get(0)) || !soleUse(nodes.get(kt).outputs().get(0))
                || !soleUse(nodes.get(vt).outputs().get(0))) {
            return;
        }
        Node last = nodes.get(back);
        AttributeProto scale = AttributeProto.newBuilder().setName("scale")
                .setType(AttributeProto.AttributeType.FLOAT).setF(divides ? 1f / c[0] : c[0]).build();
        List<String> inputs = new ArrayList<>(List.of(nodes.get(qt).inputs().get(0), nodes.get(kt).inputs().get(0),
                nodes.get(vt).inputs().get(0)));
        List<Integer> pattern = new ArrayList<>(List.of(qt, kt, qk, scaleNode, sm, vt, pv, back));
        if (mask != null) {
            inputs.add(mask);
            pattern.add(addMask);
        }
        replace(pattern, new Node(last.name() + "/joule.Attention",
                FusedOps.ATTENTION, inputs, last.outputs(), Map.of("scale", scale), soft.opset()));
    }

    // ---- helpers

    /** Removes {@code pattern} and puts {@code fused} where its last node was (all its inputs exist by then). */
    private void replace(List<Integer> pattern, Node fused) {
        int last = pattern.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int i : pattern) {
            if (removed[i]) {
                return;
            }
        }
        for (int i : pattern) {
            removed[i] = true;
        }
        replacement[last] = fused;
    }

    private Integer producerOf(String value, String opType) {
        Integer p = producer.get(value);
        return p != null && !removed[p] && nodes.get(p).opType().equals(opType) ? p : null;
    }

    /** The one node reading {@code value}, when it has type {@code opType} and nothing else reads the value. */
    private Integer soleReader(String value, String opType) {
        List<Integer> r = readers.getOrDefault(value, List.of());
        if (r.size() != 1 || r.get(0) < 0 || removed[r.get(0)] || !nodes.get(r.get(0)).opType().equals(opType)) {
            return null;
        }
        return r.get(0);
    }

    private boolean soleUse(String value) {
        return readers.getOrDefault(value, List.of()).size() == 1 && readers.get(value).get(0) >= 0;
    }

    private Integer find(List<Integer> ids, String opType) {
        for (int i : ids) {
            if (i >= 0 && !removed[i] && nodes.get(i).opType().equals(opType)) {
                return i;
            }
        }
        return null;
    }

    /** The input of a binary node that is not {@code known}, or null when the node does not read it. */
    private static String other(Node n, String known) {
        if (n.inputs().size() != 2) {
            return null;
        }
        if (n.inputs().get(0).equals(known)) {
            return n.inputs().get(1);
        }
        return n.inputs().get(1).equals(known) ? n.inputs().get(0) : null;
    }

    private float[] constFloats(String name) {
        return name != null && constants.get(name) instanceof FloatValue f ? f.toArray() : null;
    }

    private boolean isConst(String name, float value, float tol) {
        float[] f = constFloats(name);
        return f != null && f.length == 1 && Math.abs(f[0] - value) <= tol;
    }

    private boolean isVector(String name) {
        return name != null && constants.get(name) instanceof FloatValue f && f.rank() == 1;
    }

    private boolean perm(int node, long... p) {
        long[] actual = nodes.get(node).attrInts("perm");
        return actual != null && Arrays.equals(actual, p);
    }

    private static boolean lastAxisOnly(Node reduce) {
        long[] axes = reduce.attrInts("axes");
        return axes != null && axes.length == 1 && axes[0] == -1 && reduce.attrInt("keepdims", 1) == 1;
    }
}
