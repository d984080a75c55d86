package dev.joule.onnx.graph;

import dev.joule.onnx.Value;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of a graph that depend on its inputs' shapes only, kept per shape signature. PyTorch's
 * exporter computes every reshape target at run time ({@code Shape → Gather → Unsqueeze → Concat →
 * Reshape}): in all-MiniLM-L6-v2 that is about 200 of the 273 steps of a call, each a few small int64
 * tensors, and about a microsecond of executor work apiece. They give the same values for every call
 * with the same input shapes (a sentence of 24 tokens, a batch of 32 × 40), so the executor computes
 * them on the first call with a signature and reuses them on the next.
 *
 * <p>A step is shape-only when it is a {@code Shape}, or a small integer op from {@link #PURE_OPS} all
 * of whose inputs are constants or shape-only values. A signature whose shape-only values turn out
 * larger than {@link #MAX_ELEMENTS} is not kept; at most {@link #MAX_SIGNATURES} are.
 */
final class ShapeValues {
    /** Ops that are pure functions of their inputs and that the exporter uses on shapes. */
    private static final Set<String> PURE_OPS = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice",
            "Cast", "Add", "Sub", "Mul", "Div", "Equal", "Where", "Range", "Reshape", "ConstantOfShape", "Expand");
    static final int MAX_ELEMENTS = 1024;
    static final int MAX_SIGNATURES = 512;

    private final Map<String, Map<String, Value>> bySignature = new ConcurrentHashMap<>();

    /** Which of {@code steps} are shape-only, given the graph's constants. */
    static boolean[] shapeOnlySteps(List<Node> steps, Map<String, Value> constants) {
        boolean[] shapeOnly = new boolean[steps.size()];
        Set<String> derived = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            Node n = steps.get(i);
            boolean ok = n.opType().equals("Shape");
            if (!ok && PURE_OPS.contains(n.opType()) && !n.inputs().isEmpty()) {
                boolean anyDerived = false;
                ok = true;
                for (String in : n.inputs()) {
                    boolean d = derived.contains(in);
                    anyDerived |= d;
                    ok &= in.isEmpty() || d || constants.containsKey(in);
                }
                ok &= anyDerived;
            }
            if (ok) {
                shapeOnly[i] = true;
                derived.addAll(n.outputs());
            }
        }
        return shapeOnly;
    }

    /** The signature of a call: every input's name and dims. */
    static String signature(Map<String, Value> inputs) {
        StringBuilder sb = new StringBuilder();
        inputs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append(Arrays.toString(e.getValue().shape())).append(';'));
        return sb.toString();
    }

    /** The shape-only values computed for {@code signature}, or null the first time. */
    Map<String, Value> get(String signature) {
        return bySignature.get(signature);
    }

    /** Keeps {@code values} for {@code signature} unless one is too large or enough signatures are kept. */
    void put(String signature, Map<String, Value> values) {
        if (bySignature.size() >= MAX_SIGNATURES || values.values().stream().anyMatch(v -> v.size() > MAX_ELEMENTS)) {
            return;
        }
        bySignature.put(signature, Map.copyOf(values));
    }
}
