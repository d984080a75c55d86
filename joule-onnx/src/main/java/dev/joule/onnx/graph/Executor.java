package dev.joule.onnx.graph;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.PackedDenseWeights;
import dev.joule.onnx.ElementType;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.Value;
import dev.joule.onnx.ops.Buffers;
import dev.joule.onnx.ops.FusedOps;
import dev.joule.onnx.ops.Operator;
import dev.joule.onnx.ops.Operators;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs a {@link Graph} node by node. Each intermediate value is dropped right after its last reader,
 * so peak memory is the widest point of the graph, not the sum of all activations; its array goes to
 * the calling thread's {@link Buffers} pool, which hands it to a later output of the same size
 * ({@code -Djoule.onnx.recycle=false} turns that off). Thread-safe: a
 * call keeps its values in its own map. A linear layer that runs a form adds its bias, and a GELU that
 * alone reads it, in the product's epilogue ({@link dev.joule.kernel.GemmEpilogue}); a call that
 * captures the value in between runs the nodes one by one.
 *
 * <p>Each fused linear layer with a constant weight runs an inference form made once here
 * ({@link LinearWeights}): by default the weight pre-packed for the gemm ({@link PackedDenseWeights}),
 * or whatever a caller's factory returns (int8, int4, ...). {@code -Djoule.onnx.prepack=false} turns
 * the default packing off (the plain per-call gemm), to measure what it buys.
 */
public final class Executor {
    private final Graph graph;
    /** Every node as the graph has it: runs calls that capture intermediate values. */
    private final Plan plain;
    /** The steps after {@link PlanFusion} (GELU in the linear layers' epilogues); null when nothing fused. */
    private final Plan fused;
    /** Nanoseconds spent per op type, when profiling is on (system property joule.onnx.profile=true). */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> nanosByOp = new java.util.concurrent.ConcurrentHashMap<>();
    private static final boolean PROFILE = Boolean.getBoolean("joule.onnx.profile");
    private static final boolean PREPACK = Boolean.parseBoolean(System.getProperty("joule.onnx.prepack", "true"));
    private final Map<String, LinearWeights> forms = new LinkedHashMap<>();
    /** {@code -Djoule.onnx.shapeCache=false} (read when an executor is made) recomputes the shape-only values on every call. */
    private final boolean shapeCache = Boolean.parseBoolean(System.getProperty("joule.onnx.shapeCache", "true"));
    private final ShapeValues shapeValues = new ShapeValues();
    /** {@code -Djoule.onnx.recycle=false} (read when an executor is made) gives every output a fresh array. */
    private final boolean recycle = Boolean.parseBoolean(System.getProperty("joule.onnx.recycle", "true"));
    /** Each calling thread's recycled output arrays ({@link Buffers}). */
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

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
        List<Step> steps = new ArrayList<>();
        for (Node node : nodes) {
            Operator op = Operators.lookup(node.opType());
            LinearSite site = linearSite(node);
            LinearWeights form = site == null ? null : formFactory.apply(site);
            if (form != null) {
                if (form.inFeatures() != site.in() || form.outFeatures() != site.out()) {
                    throw new OnnxException(node.describe() + ": form " + form.format() + " is ["
                            + form.outFeatures() + ", " + form.inFeatures() + "], the layer's weight is [out "
                            + site.out() + ", in " + site.in() + "]");
                }
                forms.put(site.nodeName(), form);
                op = FusedOps.linearWith(form);
            }
            steps.add(new Step(node, op));
        }
        plain = new Plan(graph, steps, Set.of());
        fused = new PlanFusion(graph, forms).fuse(steps);
    }

    public Graph graph() {
        return graph;
    }

    /** The forms the linear layers run, by node name, in graph order (empty when none is attached). */
    public Map<String, LinearWeights> forms() {
        return java.util.Collections.unmodifiableMap(forms);
    }

    /** How many steps of each op type a call runs (one that captures a fused-away value runs {@link Graph#nodes()} instead). */
    public Map<String, Integer> plannedOpCounts() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Step st : (fused == null ? plain : fused).steps) {
            counts.merge(st.node().opType(), 1, Integer::sum);
        }
        return counts;
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
        // Values are looked up here first, then among the graph's constants (not copied per call).
        Map<String, Value> env = new HashMap<>(2 * (graph.nodes().size() + graph.inputs().size()));
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
        // The first parallel product comes after the embeddings; a worker parked since the last call (the
        // caller tokenised meanwhile) wakes during them instead of delaying it (int8 MiniLM at batch 1: -9 %).
        dev.joule.kernel.Parallel.wakeWorkers();
        Plan plan = fused == null || capture.stream().anyMatch(fused.elided::contains) ? plain : fused;
        String signature = shapeCache ? ShapeValues.signature(inputs) : null;
        Map<String, Value> known = signature == null ? null : shapeValues.get(signature);
        Map<String, Value> learned = signature != null && known == null ? new HashMap<>() : null;
        if (known != null) {
            env.putAll(known);
        }
        Map<String, Value> constants = graph.constants();
        Map<String, Value> captured = new LinkedHashMap<>();
        Buffers pool = recycle ? buffers.get() : null;
        try (Buffers.Scope ignored = pool == null ? null : pool.open()) {
            for (int i = 0; i < plan.steps.size(); i++) {
                if (known == null || !plan.shapeOnly[i] || !ShapeValues.covers(known, plan.steps.get(i).node())) {
                    runStep(plan.steps.get(i), env, constants, learned != null && plan.shapeOnly[i] ? learned : null, pool);
                }
                for (String d : plan.dead.get(i)) {
                    Value v = env.remove(d);
                    if (capture.contains(d)) {
                        captured.put(d, v);
                        if (pool != null) {
                            pool.escape(v);
                        }
                    } else if (pool != null && v != null) {
                        pool.release(v);
                    }
                }
            }
        }
        if (learned != null) {
            shapeValues.put(signature, learned);
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (GraphInput o : graph.outputs()) {
            result.put(o.name(), lookup(env, constants, o.name()));
        }
        result.putAll(captured);
        return result;
    }

    /**
     * Runs one step on its inputs from {@code env} (or the constants) and puts its outputs there, and in
     * {@code learned} when given; {@code pool} (may be null) counts the outputs on their arrays.
     */
    private void runStep(Step step, Map<String, Value> env, Map<String, Value> constants, Map<String, Value> learned,
                         Buffers pool) {
        Node node = step.node();
        Value[] in = new Value[node.inputs().size()];
        for (int j = 0; j < in.length; j++) {
            String name = node.inputs().get(j);
            in[j] = name.isEmpty() ? null : lookup(env, constants, name);
        }
        long t0 = PROFILE ? System.nanoTime() : 0;
        Value[] out = runNode(node, step.op(), in);
        if (PROFILE) {
            nanosByOp.computeIfAbsent(node.opType(), k -> new java.util.concurrent.atomic.AtomicLong())
                    .addAndGet(System.nanoTime() - t0);
        }
        for (int j = 0; j < node.outputs().size(); j++) {
            String name = node.outputs().get(j);
            if (j < out.length && !name.isEmpty()) {
                env.put(name, out[j]);
                if (pool != null) {
                    pool.retain(out[j]);
                }
                if (learned != null) {
                    learned.put(name, out[j]);
                    if (pool != null) {
                        pool.escape(out[j]);
                    }
                }
            }
        }
    }

    private static Value lookup(Map<String, Value> env, Map<String, Value> constants, String name) {
        Value v = env.get(name);
        return v != null ? v : constants.get(name);
    }

    /** How many input-shape signatures have their shape-only values kept ({@link ShapeValues}). */
    public int keptShapeSignatures() {
        return shapeValues.size();
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
        if (out.length < node.namedOutputs()) {
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
