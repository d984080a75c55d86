package dev.joule.onnx;

import dev.joule.onnx.graph.Executor;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.GraphInput;
import dev.joule.onnx.graph.GraphLoader;
import dev.joule.onnx.graph.LinearSite;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.onnx.graph.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An ONNX model loaded onto Joule's engine.
 *
 * <pre>{@code
 * OnnxModel m = OnnxModel.load(Path.of("model.onnx"));
 * Map<String, Value> out = m.run(Map.of("input_ids", IntValue.int64(ids, 1, ids.length), ...));
 * }</pre>
 *
 * Loading checks the whole file (format, opset, operators, weights) and throws an
 * {@link OnnxException} naming what is wrong; running checks inputs against the declared types.
 */
public final class OnnxModel {
    private final Executor executor;
    private final String source;

    private OnnxModel(Graph graph, String source) {
        this(new Executor(graph), source);
    }

    private OnnxModel(Executor executor, String source) {
        this.executor = executor;
        this.source = source;
    }

    /**
     * A model on {@code graph} (e.g. {@link #graph()} of another, rewritten) whose constant-weight linear
     * layers run the forms {@code formFactory} makes (null for a layer: the plain f32 gemm). The
     * graph's constants are shared, not copied.
     */
    public static OnnxModel of(Graph graph, String source, Function<LinearSite, LinearWeights> formFactory) {
        return new OnnxModel(new Executor(graph, formFactory), source);
    }

    /** This model's graph with other forms on its linear layers (see {@link #of}). */
    public OnnxModel withForms(Function<LinearSite, LinearWeights> formFactory) {
        return of(graph(), source, formFactory);
    }

    /** The loaded graph: checked, folded, fused. */
    public Graph graph() {
        return executor.graph();
    }

    /** The constant-weight linear layers, in graph order. */
    public List<LinearSite> linearSites() {
        return Executor.linearSites(executor.graph());
    }

    /** The form each linear layer runs, by node name (empty when none is attached). */
    public Map<String, LinearWeights> forms() {
        return executor.forms();
    }

    public static OnnxModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new OnnxException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return new OnnxModel(GraphLoader.load(bytes, file.toString(), dir), file.toString());
    }

    /** Loads from memory; {@code source} names the model in errors. External tensor data is not available. */
    public static OnnxModel load(byte[] bytes, String source) {
        return load(bytes, source, true);
    }

    /**
     * As {@link #load(byte[], String)}; {@code fuse = false} runs the graph's own nodes without Joule's
     * fused operators (slower; for checking the fusions against the plain path).
     */
    public static OnnxModel load(byte[] bytes, String source, boolean fuse) {
        return new OnnxModel(GraphLoader.load(bytes, source, null, fuse), source);
    }

    public static OnnxModel load(InputStream in, String source) {
        try {
            return load(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new OnnxException("cannot read ONNX model " + source + ": " + e.getMessage(), e);
        }
    }

    /** Runs the model; outputs come in the graph's declaration order. */
    public Map<String, Value> run(Map<String, Value> inputs) {
        return executor.run(inputs);
    }

    /** Runs the model and also returns the intermediate values named in {@code capture} (calibration). */
    public Map<String, Value> run(Map<String, Value> inputs, java.util.Set<String> capture) {
        return executor.run(inputs, capture);
    }

    public List<GraphInput> inputs() {
        return executor.graph().inputs();
    }

    public List<GraphInput> outputs() {
        return executor.graph().outputs();
    }

    public int opset() {
        return executor.graph().opset();
    }

    public String source() {
        return source;
    }

    /** How many input-shape signatures have their shape-only values kept (the exporter's reshape targets, computed once per shape). */
    public int keptShapeSignatures() {
        return executor.keptShapeSignatures();
    }

    /** Wall nanoseconds per op type over all runs so far; empty unless {@code -Djoule.onnx.profile=true}. */
    public Map<String, Long> nanosByOp() {
        return executor.nanosByOp();
    }

    /**
     * How many steps of each op type a call runs: {@link #opCounts()} after the executor has folded each
     * GELU into the linear layer before it ({@code joule.LinearGelu}).
     */
    public Map<String, Integer> plannedOpCounts() {
        return executor.plannedOpCounts();
    }

    /** How many nodes of each op type the graph has, after constant folding and fusion. */
    public Map<String, Integer> opCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node n : executor.graph().nodes()) {
            counts.merge(n.opType(), 1, Integer::sum);
        }
        return counts;
    }
}
