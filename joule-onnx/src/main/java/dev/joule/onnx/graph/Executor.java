package dev.joule.onnx.graph;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.PackedDenseWeights;
import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.ops.FusedOps;
import dev.joule.onnx.ops.Operator;
import dev.joule.onnx.ops.Operators;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs a {@link Graph} node by node. Each intermediate value is dropped right after its last reader,
 * so peak memory is the widest point of the graph, not the sum of all activations. Thread-safe: a
 * call keeps its values in its own map.
 *
 * <p>Each fused linear layer with a constant weight runs an inference form made once here
 * ({@link LinearWeights}): by default the weight pre-packed for the gemm ({@link PackedDenseWeights}),
 * or whatever a caller's factory returns (int8, int4, ...). {@code -Djoule.onnx.prepack=false} turns
 * the default packing off (the plain per-call gemm), to measure what it buys.
 */
public final class Executor {
    private final Graph graph;
    private final Operator[] operators;
    /** dead[i]: the values nobody reads after node i. */
    private final List<List<String>> dead;
    /** Nanoseconds spent per op type, when profiling is on (system property joule.onnx.profile=true). */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> nanosByOp = new java.util.concurrent.ConcurrentHashMap<>();
    private static final boolean PROFILE = Boolean.getBoolean("joule.onnx.profile");
    private static final boolean PREPACK = Boolean.parseBoolean(System.getProperty("joule.onnx.prepack", "true"));
    private final Map<String, LinearWeights> forms = new LinkedHashMap<>();

    /** Runs {@code graph} with the default forms: pre-packed f32 weights (unless -Djoule.onnx.prepack=false). */
    public Executor(Graph graph) {
        this(graph, PREPACK ? Executor::packed : site -> null);
    }

    /**
     * Runs {@code graph}; {@code formFactory} gives the form each constant-weight linear layer runs
     * (null: the plain gemm on the f32 weight). A form must keep the layer's shape ({@code in × out}).
     */
    public Executor(Graph graph, Function<LinearSite, LinearWeights> formFactory) {
        this.graph = graph;
        List<Node> nodes = graph.nodes();
        operators = new Operator[nodes.size()];
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            operators[i] = Operators.lookup(nodes.get(i).opType());
            LinearSite site = linearSite(nodes.get(i));
            LinearWeights form = site == null ? null : formFactory.apply(site);
            if (form != null) {
                if (form.inFeatures() != site.in() || form.outFeatures() != site.out()) {
                    throw new OnnxException(nodes.get(i).describe() + ": form " + form.format() + " is ["
                            + form.outFeatures() + ", " + form.inFeatures() + "], the layer's weight is [out "
                            + site.out() + ", in " + site.in() + "]");
                }
                forms.put(site.nodeName(), form);
                operators[i] = FusedOps.linearWith(form);
            }
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        Set<String> keep = new HashSet<>(graph.constants().keySet());
        graph.outputs().forEach(o -> keep.add(o.name()));
        dead = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            dead.add(new ArrayList<>());
        }
        lastUse.forEach((name, i) -> {
            if (!keep.contains(name) && !name.isEmpty()) {
                dead.get(i).add(name);
            }
        });
    }

    public Graph graph() {
        return graph;
    }

    /** The forms the linear layers run, by node name, in graph order (empty when none is attached). */
    public Map<String, LinearWeights> forms() {
        return java.util.Collections.unmodifiableMap(forms);
    }

    /** The constant-weight linear layers of {@code graph}, in order. */
    public static List<LinearSite> linearSites(Graph graph) {
        List<LinearSite> sites = new ArrayList<>();
        for (Node n : graph.nodes()) {
            LinearSite s = siteOf(graph, n);
            if (s != null) {
                sites.add(s);
            }
        }
        return sites;
    }

    private LinearSite linearSite(Node node) {
        return siteOf(graph, node);
    }

    private static LinearSite siteOf(Graph graph, Node node) {
        if (!node.opType().equals(FusedOps.LINEAR)) {
            return null;
        }
        String wName = node.inputs().get(1);
        if (!(graph.constants().get(wName) instanceof FloatValue fv) || fv.rank() != 2) {
            return null;
        }
        var t = fv.tensor();
        float[] w = t.offset() == 0 && t.data().length == t.size() ? t.data() : t.toArray();
        return new LinearSite(node.name(), wName, t.dim(0), t.dim(1), w);
    }

    private static LinearWeights packed(LinearSite s) {
        return PackedDenseWeights.ofInputMajor(s.out(), s.in(), s.weightInOut());
    }

    /** Runs the graph on {@code inputs} (by graph input name) and returns its outputs in declaration order. */
    public Map<String, Value> run(Map<String, Value> inputs) {
        return run(inputs, Set.of());
    }

    /**
     * As {@link #run(Map)}, and also returns the intermediate values named in {@code capture} (for
     * calibration: the activations a compression method looks at), after the outputs.
     */
    public Map<String, Value> run(Map<String, Value> inputs, Set<String> capture) {
        Map<String, Value> env = new HashMap<>(graph.constants());
        for (GraphInput gi : graph.inputs()) {
            Value v = inputs.get(gi.name());
            if (v == null) {
                throw new OnnxException("input '" + gi.name() + "' is missing; the model's inputs are " + graph.inputs());
            }
            check(gi, v);
            env.put(gi.name(), v);
        }
        for (String name : inputs.keySet()) {
            if (graph.inputs().stream().noneMatch(g -> g.name().equals(name))) {
                throw new OnnxException("unknown input '" + name + "'; the model's inputs are " + graph.inputs());
            }
        }
        List<Node> nodes = graph.nodes();
        Map<String, Value> captured = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            Value[] in = new Value[node.inputs().size()];
            for (int j = 0; j < in.length; j++) {
                String name = node.inputs().get(j);
                in[j] = name.isEmpty() ? null : env.get(name);
            }
            long t0 = PROFILE ? System.nanoTime() : 0;
            Value[] out = runNode(node, operators[i], in);
            if (PROFILE) {
                nanosByOp.computeIfAbsent(node.opType(), k -> new java.util.concurrent.atomic.AtomicLong())
                        .addAndGet(System.nanoTime() - t0);
            }
            for (int j = 0; j < node.outputs().size(); j++) {
                if (j < out.length && !node.outputs().get(j).isEmpty()) {
                    env.put(node.outputs().get(j), out[j]);
                }
            }
            for (String d : dead.get(i)) {
                Value v = env.remove(d);
                if (capture.contains(d)) {
                    captured.put(d, v);
                }
            }
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (GraphInput o : graph.outputs()) {
            result.put(o.name(), env.get(o.name()));
        }
        result.putAll(captured);
        return result;
    }

    /** Nanoseconds spent per op type so far; empty unless -Djoule.onnx.profile=true. */
    public Map<String, Long> nanosByOp() {
        Map<String, Long> m = new java.util.TreeMap<>();
        nanosByOp.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Runs one operator; any failure becomes an {@link OnnxException} that names the node. */
    static Value[] runNode(Node node, Operator op, Value[] in) {
        Value[] out;
        try {
            out = op.run(node, in);
        } catch (OnnxException e) {
            throw e.getMessage().startsWith("node '") ? e : new OnnxException(node.describe() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new OnnxException(node.describe() + " failed: " + e, e);
        }
        if (out.length < node.outputs().stream().filter(s -> !s.isEmpty()).count()) {
            throw node.error("produced " + out.length + " outputs, the node declares " + node.outputs().size());
        }
        return out;
    }

    private static void check(GraphInput gi, Value v) {
        boolean typeOk = v.type() == gi.type()
                || gi.type() == ElementType.INT64 && v.type() == ElementType.INT32;
        int[] s = v.shape();
        boolean rankOk = gi.dims().length == s.length;
        boolean dimsOk = rankOk;
        for (int i = 0; rankOk && i < s.length; i++) {
            dimsOk &= gi.dims()[i] < 0 || gi.dims()[i] == s[i];
        }
        if (!typeOk || !dimsOk) {
            throw new OnnxException("input '" + gi.name() + "' must be " + gi + ", got " + v.type() + " " + Arrays.toString(s));
        }
    }
}
