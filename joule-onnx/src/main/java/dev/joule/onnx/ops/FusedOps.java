package dev.joule.onnx.ops;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.autograd.InPlaceActivations;
import dev.joule.kernel.GemmEpilogue;
import dev.joule.kernel.Kernels;
import dev.joule.kernel.LayerNormRows;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.onnx.FloatValue;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Joule's fused operators, which the graph optimiser puts in place of recognised subgraphs (see
 * {@code GraphFusion}). Each computes what its subgraph computes, in one pass and without the
 * intermediate tensors.
 */
public final class FusedOps {
    /** Fused op types start with this prefix, so they can never clash with an ONNX op type. */
    public static final String PREFIX = "joule.";
    public static final String LINEAR = PREFIX + "Linear";
    public static final String GELU = PREFIX + "Gelu";
    /** A linear layer whose GELU runs in its epilogue: an execution step of {@code Executor}, never a graph node. */
    public static final String LINEAR_GELU = PREFIX + "LinearGelu";
    public static final String LAYER_NORM = PREFIX + "LayerNorm";
    /** A residual Add and the LayerNorm that alone reads it, as one step ({@code PlanFusion}): inputs a, b, gamma, beta. */
    public static final String ADD_LAYER_NORM = PREFIX + "AddLayerNorm";
    public static final String ATTENTION = PREFIX + "Attention";

    private FusedOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put(LINEAR, FusedOps::linear);
        ops.put(GELU, FusedOps::gelu);
        ops.put(LAYER_NORM, FusedOps::layerNorm);
        ops.put(ADD_LAYER_NORM, FusedOps::addLayerNorm);
        ops.put(ATTENTION, FusedAttention::run);
        ops.put("LayerNormalization", FusedOps::onnxLayerNorm);
    }

    /** x [..., K] · W [K, N] + b [N]: the bias is written first and the product added onto it (gemm with beta 1). */
    private static Value[] linear(Node node, Value[] in) {
        Tensor x = Args.floats(node, in, 0);
        Tensor w = Args.floats(node, in, 1);
        Tensor b = Args.floats(node, in, 2);
        int k = w.dim(0);
        int n = w.dim(1);
        if (x.rank() < 1 || x.cols() != k) {
            throw node.error("input " + Arrays.toString(x.shape()) + " does not match weight " + Arrays.toString(w.shape()));
        }
        int rows = x.rows();
        float[] c = Buffers.floats(rows * n);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b.data(), b.offset(), c, r * n, n);
        }
        Kernels.get().gemm(false, false, rows, n, k, x.data(), x.offset(), k, w.data(), w.offset(), n, 1f, c, 0, n);
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        return Args.one(Args.floatValue(c, shape));
    }

    /**
     * {@code joule.Linear} running {@code form} instead of the f32 weight input (which must still be
     * there: it names the layer). The bias is added in the product's epilogue, block by block on the
     * thread that computed it.
     */
    public static Operator linearWith(LinearWeights form) {
        return linearWith(form, false);
    }

    /** As {@link #linearWith(LinearWeights)}; with {@code gelu}, the epilogue applies exact GELU after the bias. */
    public static Operator linearWith(LinearWeights form, boolean gelu) {
        return (node, in) -> linearForm(node, in, form, gelu);
    }

    private static Value[] linearForm(Node node, Value[] in, LinearWeights form, boolean gelu) {
        Tensor x = Args.floats(node, in, 0);
        Tensor b = Args.floats(node, in, 2);
        int k = form.inFeatures();
        int n = form.outFeatures();
        if (x.rank() < 1 || x.cols() != k || b.size() != n) {
            throw node.error("input " + Arrays.toString(x.shape()) + " and bias " + Arrays.toString(b.shape())
                    + " do not match the layer's form [out " + n + ", in " + k + "] (" + form.format() + ")");
        }
        int rows = x.rows();
        float[] c = Buffers.floats(rows * n);
        form.multiply(x.data(), x.offset(), rows, c, 0, biasEpilogue(b.data(), b.offset(), gelu));
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        return Args.one(Args.floatValue(c, shape));
    }

    /** Adds {@code bias[biasOff + column]} to every row of a block, then GELU when asked (a kernel may add the bias itself). */
    private static GemmEpilogue biasEpilogue(float[] bias, int biasOff, boolean gelu) {
        return GemmEpilogue.bias(bias, biasOff, gelu ? FusedOps::geluBlock : null);
    }

    private static void geluBlock(float[] y, int yOff, int ldy, int rows, int col0, int cols) {
        for (int r = 0; r < rows; r++) {
            InPlaceActivations.gelu(y, yOff + r * ldy, cols);
        }
    }

    /** Below this many elements GELU runs on the calling thread (-Djoule.onnx.geluParallelMin). */
    private static final int PARALLEL_GELU = Integer.getInteger("joule.onnx.geluParallelMin", 1 << 14);

    /**
     * The engine's (vectorised) exact GELU; large inputs are split by rows across the thread pool
     * (elementwise, so the split changes no value), since on one thread it took a tenth of MiniLM's time.
     */
    private static Value[] gelu(Node node, Value[] in) {
        Tensor x = Args.floats(node, in, 0);
        int rows = x.rank() == 0 ? 1 : x.rows();
        if (x.size() < PARALLEL_GELU || Parallel.threads() == 1 || rows < 2) {
            return Args.one(new FloatValue(geluOf(x)));
        }
        int cols = x.cols();
        Tensor matrix = x.reshape(rows, cols);
        float[] out = Buffers.floats(x.size());
        Parallel.parallelFor(rows, Math.max(1, PARALLEL_GELU / cols), (r0, r1) -> {
            Tensor part = geluOf(matrix.rows(r0, r1));
            System.arraycopy(part.data(), part.offset(), out, r0 * cols, (r1 - r0) * cols);
        });
        return Args.one(Args.floatValue(out, x.shape()));
    }

    private static Tensor geluOf(Tensor x) {
        try (NoGrad ignored = NoGrad.enter()) {
            return Ops.gelu(Var.constant(x)).value();
        }
    }

    /** ONNX LayerNormalization (opset 17): the fused kernel over the last axis; other axes are refused. */
    private static Value[] onnxLayerNorm(Node node, Value[] in) {
        Tensor x = Args.floats(node, in, 0);
        long axis = node.attrInt("axis", -1);
        if (Args.axis(node, axis, x.rank()) != x.rank() - 1 || node.outputs().size() > 1) {
            throw node.error("LayerNormalization is supported over the last axis with one output; got axis " + axis
                    + " of rank " + x.rank() + " and " + node.outputs().size() + " outputs");
        }
        if (Args.optional(in, 2) != null) {
            return layerNorm(node, in);
        }
        return layerNorm(node, new Value[] {in[0], in[1], Args.floatValue(new float[x.cols()], new int[] {x.cols()})});
    }

    private static Value[] layerNorm(Node node, Value[] in) {
        return Args.one(normalise(node, Args.floats(node, in, 0), null, in, 1));
    }

    /** LN(a + b): operands of one shape are added inside the row kernel; otherwise broadcast first. */
    private static Value[] addLayerNorm(Node node, Value[] in) {
        Tensor a = Args.floats(node, in, 0);
        Tensor b = Args.floats(node, in, 1);
        if (Arrays.equals(a.shape(), b.shape())) {
            return Args.one(normalise(node, a, b, in, 2));
        }
        Tensor sum = ElementwiseOps.floatBinary(node, a, b, ElementwiseOps.Binary.ADD).tensor();
        return Args.one(normalise(node, sum, null, in, 2));
    }

    /** Layer norm over the last axis of {@code x} (+ {@code r}), gamma and beta at {@code in[p]}, {@code in[p + 1]}. */
    private static FloatValue normalise(Node node, Tensor x, Tensor r, Value[] in, int p) {
        Tensor gamma = Args.floats(node, in, p);
        Tensor beta = Args.floats(node, in, p + 1);
        float eps = node.attrFloat("epsilon", 1e-5f);
        int d = x.rank() == 0 ? 1 : x.cols();
        if (gamma.size() != d || beta.size() != d) {
            throw node.error("gamma " + Arrays.toString(gamma.shape()) + " and beta " + Arrays.toString(beta.shape())
                    + " must match the last axis of " + Arrays.toString(x.shape()));
        }
        float[] y = Buffers.floats(x.size());
        LayerNormRows.forward(x.data(), x.offset(), r == null ? null : r.data(), r == null ? 0 : r.offset(),
                x.size() / Math.max(d, 1), d, gamma.data(), gamma.offset(), beta.data(), beta.offset(), eps, y, 0);
        return Args.floatValue(y, x.shape());
    }
}
