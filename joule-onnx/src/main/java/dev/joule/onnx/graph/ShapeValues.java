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
 * <p>A step is shape-only when it is a {@code Shape}, or an op from {@link #PURE_OPS} all of whose
 * inputs are constants or shape-only values. Values larger than {@link #MAX_ELEMENTS} are not kept (the
 * step that makes one runs on every call, {@link #covers}); at most {@link #MAX_SIGNATURES} signatures are.
 * (Until 2026-11-27 one large value kept its whole signature out: MiniLM's position embeddings, a
 * {@code Gather} from a constant table at shape-derived positions, are {@code [1, T, 384]} floats, so no
 * signature was ever kept and the ~200 small steps ran on every call.)
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

    /** How many signatures are kept. */
    int size() {
        return bySignature.size();
    }

    /** The shape-only values computed for {@code signature}, or null the first time. */
    Map<String, Value> get(String signature) {
        return bySignature.get(signature);
    }

    /** Keeps the values of {@code values} up to {@link #MAX_ELEMENTS} each for {@code signature}, unless enough signatures are kept. */
    void put(String signature, Map<String, Value> values) {
        if (bySignature.size() >= MAX_SIGNATURES) {
            return;
        }
        Map<String, Value> small = new java.util.HashMap<>();
        values.forEach((name, v) -> {
            if (v.size() <= MAX_ELEMENTS) {
                small.put(name, v);
            }
        });
        bySignature.put(signature, Map.copyOf(small));
    }

    /** True when {@code known} holds every named output of {@code step}: the step need not run. */
    static boolean covers(Map<String, Value> known, Node step) {
        for (String out : step.outputs()) {
            if (!out.isEmpty() && !known.containsKey(out)) {
                return false;
            }
        }
        return true;
    }
}
