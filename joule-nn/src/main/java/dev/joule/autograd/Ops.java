package dev.joule.autograd;

import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Every differentiable op, behind one import. Each op lives with its backward in a family class
 * ({@link MatmulOps}, {@link ArithmeticOps}, {@link ActivationOps}, {@link ReduceOps},
 * {@link SoftmaxOps}, {@link NormOps}, {@link ShapeOps}, {@link EmbeddingOps}, {@link DropoutOps},
 * {@link ConvOps}, {@link AttentionOps}, {@link BlockSparseAttentionOps}, {@link LossOps}); this class only
 * delegates.
 *
 * <p>Shapes follow PyTorch: elementwise ops broadcast NumPy-style, {@code linear} takes a
 * {@code [out, in]} weight, attention takes {@code [B, H, T, dh]}. Negative axes count from the end.
 */
public final class Ops {
    private Ops() {}

    // ---- products

    /** a [..., m, k] · b [..., k, n]; a 2-D b is shared by every batch of a. */
    public static Var matmul(Var a, Var b) {
        return MatmulOps.matmul(a, b);
    }

    /** op(a) · op(b) with op = transpose of the last two axes where the flag is set (no copy is made). */
    public static Var matmul(Var a, Var b, boolean transA, boolean transB) {
        return MatmulOps.matmul(a, b, transA, transB);
    }

    /** x [..., in] · weight[out, in]ᵀ + bias[out]; bias may be null. */
    public static Var linear(Var x, Var weight, Var bias) {
        return MatmulOps.linear(x, weight, bias);
    }

    /**
     * Inference only: {@code x [..., in] · W[out, in]ᵀ + bias[out]} with {@code W} held in {@code form} and no
     * weight parameter behind it (a kept block of a pruned matrix, say); {@code bias} may be null. The result is
     * a constant, so this refuses to run while gradients are recorded (use {@link #linear} inside {@link NoGrad}).
     */
    public static Var linearForm(Var x, dev.joule.kernel.forms.LinearWeights form, float[] bias) {
        return MatmulOps.linearForm(x, form, bias);
    }

    // ---- arithmetic (broadcasting)

    public static Var add(Var a, Var b) {
        return ArithmeticOps.add(a, b);
    }

    public static Var sub(Var a, Var b) {
        return ArithmeticOps.sub(a, b);
    }

    public static Var mul(Var a, Var b) {
        return ArithmeticOps.mul(a, b);
    }

    public static Var div(Var a, Var b) {
        return ArithmeticOps.div(a, b);
    }

    public static Var scale(Var a, float s) {
        return ArithmeticOps.scale(a, s);
    }

    public static Var addScalar(Var a, float s) {
        return ArithmeticOps.addScalar(a, s);
    }

    public static Var neg(Var a) {
        return ArithmeticOps.neg(a);
    }

    public static Var square(Var a) {
        return ArithmeticOps.square(a);
    }

    public static Var sqrt(Var a) {
        return ArithmeticOps.sqrt(a);
    }

    /** Where mask != 0 (broadcast to a's shape) the output is {@code value} and no gradient flows. */
    public static Var maskedFill(Var a, Tensor mask, float value) {
        return ArithmeticOps.maskedFill(a, mask, value);
    }

    // ---- reductions

    public static Var sum(Var a, int axis, boolean keepDim) {
        return ReduceOps.sum(a, axis, keepDim);
    }

    public static Var mean(Var a, int axis, boolean keepDim) {
        return ReduceOps.mean(a, axis, keepDim);
    }

    public static Var max(Var a, int axis, boolean keepDim) {
        return ReduceOps.max(a, axis, keepDim);
    }

    public static Var sumAll(Var a) {
        return ReduceOps.sumAll(a);
    }

    public static Var meanAll(Var a) {
        return ReduceOps.meanAll(a);
    }

    /** Indices of the first maximum along {@code axis}, as floats; not differentiable. */
    public static Tensor argmax(Tensor a, int axis) {
        return ReduceOps.argmax(a, axis);
    }

    public static Var cumsum(Var a, int axis) {
        return ReduceOps.cumsum(a, axis);
    }

    // ---- activations

    public static Var exp(Var a) {
        return ActivationOps.exp(a);
    }

    public static Var log(Var a) {
        return ActivationOps.log(a);
    }

    public static Var tanh(Var a) {
        return ActivationOps.tanh(a);
    }

    public static Var sigmoid(Var a) {
        return ActivationOps.sigmoid(a);
    }

    public static Var relu(Var a) {
        return ActivationOps.relu(a);
    }

    /** Exact GELU (erf form), PyTorch's default. */
    public static Var gelu(Var a) {
        return ActivationOps.gelu(a);
    }

    /** GELU with the tanh approximation. */
    public static Var geluTanh(Var a) {
        return ActivationOps.geluTanh(a);
    }

    public static Var silu(Var a) {
        return ActivationOps.silu(a);
    }

    public static Var softplus(Var a) {
        return ActivationOps.softplus(a);
    }

    // ---- softmax and norms

    public static Var softmax(Var a, int axis) {
        return SoftmaxOps.softmax(a, axis);
    }

    public static Var logSoftmax(Var a, int axis) {
        return SoftmaxOps.logSoftmax(a, axis);
    }

    /** Layer norm over the last axis; gamma and beta may be null. */
    public static Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        return NormOps.layerNorm(x, gamma, beta, eps);
    }

    /** RMS norm over the last axis; gamma may be null. */
    public static Var rmsNorm(Var x, Var gamma, float eps) {
        return NormOps.rmsNorm(x, gamma, eps);
    }

    // ---- shapes, gathers, noise

    /** table [V, d] gathered at ids (integers stored as floats, any shape) gives [...ids.shape, d]. */
    public static Var embedding(Var table, Tensor ids) {
        return EmbeddingOps.embedding(table, ids);
    }

    public static Var concat(List<Var> parts, int axis) {
        return ShapeOps.concat(parts, axis);
    }

    public static Var slice(Var a, int axis, int from, int to) {
        return ShapeOps.slice(a, axis, from, to);
    }

    public static Var transpose(Var a, int axis1, int axis2) {
        return ShapeOps.transpose(a, axis1, axis2);
    }

    public static Var reshape(Var a, int... shape) {
        return ShapeOps.reshape(a, shape);
    }

    /** Inverted dropout; pass p = 0 (or skip the call) in evaluation mode. */
    public static Var dropout(Var a, float p, RandomGenerator rng) {
        return DropoutOps.dropout(a, p, rng);
    }

    // ---- convolution, pooling, attention

    /** x [B, L, C] with depthwise weight [C, K], left-padded by K − 1, gives [B, L, C]; bias [C] may be null. */
    public static Var conv1dCausal(Var x, Var weight, Var bias) {
        return ConvOps.conv1dCausal(x, weight, bias);
    }

    /** x [N, C, H, W], weight [O, C, kh, kw], bias [O] (may be null) gives [N, O, Ho, Wo]. */
    public static Var conv2d(Var x, Var weight, Var bias, int stride, int padding) {
        return ConvOps.conv2d(x, weight, bias, stride, padding);
    }

    /** Max over kernel × kernel windows with the given stride, no padding. */
    public static Var maxPool2d(Var x, int kernel, int stride) {
        return ConvOps.maxPool2d(x, kernel, stride);
    }

    /** softmax(q kᵀ / √dh) v for q, k, v [B, H, T, dh]; causal masks keys after each query. */
    public static Var attention(Var q, Var k, Var v, boolean causal) {
        return AttentionOps.attention(q, k, v, causal);
    }

    /**
     * Multi-head attention without splitting heads: q [B, Tq, H·dh], k, v [B, Tk, H·dh] give [B, Tq, H·dh].
     * Equal to reshaping to [B, T, H, dh], transposing to [B, H, T, dh], {@link #attention} and merging
     * back, but with no copies.
     */
    public static Var attentionHeads(Var q, Var k, Var v, int heads, boolean causal) {
        return AttentionOps.attentionHeads(q, k, v, heads, causal);
    }

    /**
     * Block-sparse self-attention for q, k, v [B, H, T, dh]: only the block pairs {@code layout} lists are
     * computed (T = {@code layout.tokens()}); equal to {@link #attention} with the layout's token mask.
     */
    public static Var blockSparseAttention(Var q, Var k, Var v, BlockSparseLayout layout) {
        return BlockSparseAttentionOps.attention(q, k, v, layout);
    }

    /** {@link #blockSparseAttention} on the unsplit layout: q, k, v [B, T, H·dh] give [B, T, H·dh], no copies. */
    public static Var blockSparseAttentionHeads(Var q, Var k, Var v, int heads, BlockSparseLayout layout) {
        return BlockSparseAttentionOps.attentionHeads(q, k, v, heads, layout);
    }

    /**
     * RWKV-5 WKV: r, k, v [B, T, H, N], decay θ and bonus u [H, N] give y [B, T, H, N] with
     * y_t = r_t·(diag(u) k_tᵀv_t + S_{t−1}), S_t = diag(exp(−exp θ)) S_{t−1} + k_tᵀv_t ({@link Wkv5Ops}).
     */
    public static Var wkv5(Var r, Var k, Var v, Var decay, Var bonus) {
        return Wkv5Ops.wkv5(r, k, v, decay, bonus);
    }

    // ---- losses

    /** Mean cross-entropy of logits [N, C]; target -1 ignores a row; PyTorch label smoothing. */
    public static Var crossEntropy(Var logits, int[] targets, float labelSmoothing) {
        return LossOps.crossEntropy(logits, targets, labelSmoothing);
    }

    public static Var mse(Var pred, Var target) {
        return LossOps.mse(pred, target);
    }
}
