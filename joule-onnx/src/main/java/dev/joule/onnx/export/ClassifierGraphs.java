package dev.joule.onnx.export;

import static dev.joule.onnx.export.GraphBuilder.floatAttr;
import static dev.joule.onnx.export.GraphBuilder.intAttr;
import static dev.joule.onnx.export.GraphBuilder.intsAttr;

import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.onnx.OnnxException;
import dev.joule.onnx.proto.OnnxProto.AttributeProto;
import dev.joule.onnx.proto.OnnxProto.GraphProto;
import dev.joule.tensor.Tensor;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX graphs of Joule's Fashion-MNIST classifiers, written from their parameters by name (the
 * checkpoint names) and their {@link ModelConfig}. Each graph computes what the model's
 * {@code forward} computes in evaluation mode (dropout off): input {@code [batch, seqLen, inputDim]},
 * output {@code logits [batch, classes]}.
 *
 * <p>Every parameter must be used exactly once; one left over means the model's layout changed
 * under the exporter, which is refused rather than silently written wrong.
 */
final class ClassifierGraphs {
    static final String INPUT = "input";
    static final String OUTPUT = "logits";
    private static final float LAYER_NORM_EPS = 1e-5f;

    private final Map<String, Var> params;
    private final Set<String> unused;
    private final String modelName;
    private final GraphBuilder g;
    /** Linear weights as int8 initializers + DequantizeLinear (QDQ, per output channel) instead of f32. */
    private final boolean int8;

    private ClassifierGraphs(Map<String, Var> params, String modelName, boolean int8) {
        this.int8 = int8;
        this.params = params;
        this.unused = new LinkedHashSet<>(params.keySet());
        this.modelName = modelName;
        this.g = new GraphBuilder(modelName);
    }

    /** {@code flatten → Gemm(fc1) → Relu → Gemm(fc2)}. */
    static GraphProto mlp(ModelConfig cfg, Map<String, Var> params, boolean int8) {
        ClassifierGraphs b = new ClassifierGraphs(params, "joule-mlp", int8);
        b.g.input(INPUT, cfg.seqLen(), cfg.inputDim());
        String x = b.g.node("flatten", "Flatten", new AttributeProto[] {intAttr("axis", 1)}, INPUT);
        x = b.gemm("fc1", x);
        x = b.g.node("relu", "Relu", x);
        String logits = b.gemm("fc2", x);
        return b.finish(logits, cfg.numClasses());
    }

    /**
     * {@code [B, H, W]} → Reshape {@code [B, 1, H, W]} → (Conv 3×3 pad 1 → Relu → MaxPool 2) twice →
     * Flatten → Gemm(head). Joule's own loader has no Conv or MaxPool; ONNX Runtime runs it.
     */
    static GraphProto cnn(ModelConfig cfg, Map<String, Var> params, boolean int8) {
        ClassifierGraphs b = new ClassifierGraphs(params, "joule-cnn", int8);
        b.g.input(INPUT, cfg.seqLen(), cfg.inputDim());
        String x = b.g.node("features", "Reshape", INPUT, b.g.int64s("image_shape", -1, 1, cfg.seqLen(), cfg.inputDim()));
        for (int conv : new int[] {0, 3}) {
            String scope = "features." + conv;
            Tensor w = b.params.containsKey(scope + ".weight") ? b.params.get(scope + ".weight").value() : null;
            if (w == null || w.rank() != 4 || w.dim(2) != 3 || w.dim(3) != 3) {
                throw new OnnxException("cannot export joule-cnn: " + scope + ".weight is not a 3x3 convolution kernel");
            }
            x = b.g.node(scope, "Conv", new AttributeProto[] {intsAttr("kernel_shape", 3, 3),
                intsAttr("pads", 1, 1, 1, 1), intsAttr("strides", 1, 1)}, x, b.param(scope + ".weight"), b.param(scope + ".bias"));
            x = b.g.node(scope, "Relu", x);
            x = b.g.node(scope, "MaxPool", new AttributeProto[] {intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2)}, x);
        }
        x = b.g.node("flatten", "Flatten", new AttributeProto[] {intAttr("axis", 1)}, x);
        return b.finish(b.gemm("head", x), cfg.numClasses());
    }

    /** Embedding, learned positions, pre-norm blocks, final norm, mean over tokens, head. */
    static GraphProto transformer(ModelConfig cfg, Map<String, Var> params, boolean int8) {
        ClassifierGraphs b = new ClassifierGraphs(params, "joule-transformer", int8);
        b.g.input(INPUT, cfg.seqLen(), cfg.inputDim());
        String h = b.linear("embed", INPUT);
        h = b.g.node("embed", "Add", h, b.param("pos"));
        for (int i = 0; i < cfg.layers(); i++) {
            String p = "blocks." + i;
            String a = b.attention(p + ".attn", b.layerNorm(p + ".ln1", h), cfg.dModel(), cfg.heads());
            h = b.g.node(p, "Add", h, a);
            String up = b.linear(p + ".ff.up", b.layerNorm(p + ".ln2", h));
            String f = b.linear(p + ".ff.down", b.gelu(p + ".ff", up));
            h = b.g.node(p, "Add", h, f);
        }
        h = b.layerNorm("norm", h);
        String pooled = b.g.node("pool", "ReduceMean",
                new AttributeProto[] {intsAttr("axes", 1), intAttr("keepdims", 0)}, h);
        return b.finish(b.gemm("head", pooled), cfg.numClasses());
    }

    /** Multi-head self-attention without mask: q·kᵀ/√dh → softmax → ·v per head, then the output projection. */
    private String attention(String scope, String x, int dModel, int heads) {
        int dh = dModel / heads;
        String split = g.int64s(scope + ".split_shape", 0, 0, heads, dh);
        String q = heads(scope, linear(scope + ".q", x), split, 0, 2, 1, 3);
        String kT = heads(scope, linear(scope + ".k", x), split, 0, 2, 3, 1);
        String v = heads(scope, linear(scope + ".v", x), split, 0, 2, 1, 3);
        String scores = g.node(scope, "MatMul", q, kT);
        scores = g.node(scope, "Mul", scores, g.scalar(scope + ".scale", (float) (1.0 / Math.sqrt(dh))));
        String probs = g.node(scope, "Softmax", new AttributeProto[] {intAttr("axis", -1)}, scores);
        String y = g.node(scope, "MatMul", probs, v);
        y = g.node(scope, "Transpose", new AttributeProto[] {intsAttr("perm", 0, 2, 1, 3)}, y);
        y = g.node(scope, "Reshape", y, g.int64s(scope + ".merge_shape", 0, 0, dModel));
        return linear(scope + ".out", y);
    }

    /** {@code [B, T, d]} → {@code [B, T, H, dh]} → transposed by {@code perm}. */
    private String heads(String scope, String x, String splitShape, long... perm) {
        String r = g.node(scope, "Reshape", x, splitShape);
        return g.node(scope, "Transpose", new AttributeProto[] {intsAttr("perm", perm)}, r);
    }

    /** Exact GELU as Joule computes it: {@code x · 0.5 · (1 + erf(x / √2))}, in PyTorch's export order. */
    private String gelu(String scope, String x) {
        String s = g.node(scope, "Div", x, g.scalar(scope + ".sqrt2", (float) Math.sqrt(2.0)));
        s = g.node(scope, "Erf", s);
        s = g.node(scope, "Add", s, g.scalar(scope + ".one", 1f));
        s = g.node(scope, "Mul", x, s);
        return g.node(scope, "Mul", s, g.scalar(scope + ".half", 0.5f));
    }

    private String layerNorm(String scope, String x) {
        return g.node(scope, "LayerNormalization",
                new AttributeProto[] {intAttr("axis", -1), floatAttr("epsilon", LAYER_NORM_EPS)},
                x, param(scope + ".weight"), param(scope + ".bias"));
    }

    /** A Linear over the last axis of a rank-3 value: MatMul with the transposed weight, then the bias. */
    private String linear(String scope, String x) {
        Tensor w = take(scope + ".weight");
        String weight = int8 ? g.int8Weight(scope, scope + ".weight", w, true) : g.weightTransposed(scope + ".weight", w);
        String y = g.node(scope, "MatMul", x, weight);
        return g.node(scope, "Add", y, param(scope + ".bias"));
    }

    /** A Linear on {@code [B, in]}: one Gemm with {@code transB = 1}, the weight kept in PyTorch's layout. */
    private String gemm(String scope, String x) {
        String weight = int8 ? g.int8Weight(scope, scope + ".weight", take(scope + ".weight"), false) : param(scope + ".weight");
        return g.node(scope, "Gemm", new AttributeProto[] {intAttr("transB", 1)}, x, weight, param(scope + ".bias"));
    }

    private String param(String name) {
        return g.weight(name, take(name));
    }

    private Tensor take(String name) {
        Var v = params.get(name);
        if (v == null) {
            throw new OnnxException("cannot export " + modelName + ": parameter '" + name + "' is missing (the model has "
                    + params.keySet() + "); the exporter expects the layout of dev.joule.models");
        }
        unused.remove(name);
        return v.value();
    }

    private GraphProto finish(String logits, int classes) {
        if (!unused.isEmpty()) {
            throw new OnnxException("cannot export " + modelName + ": parameters " + unused + " have no place in the "
                    + "exported graph; the model's layout differs from what the exporter writes");
        }
        g.renameLastOutput(logits, OUTPUT);
        g.output(OUTPUT, classes);
        return g.build();
    }
}
