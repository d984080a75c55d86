package dev.joule.compress.quant;

import dev.joule.autograd.Var;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.tensor.Tensor;

/**
 * Fake quantization for quantization-aware training: the forward pass returns the values the integer
 * kernel will compute with (quantized, then dequantized, by the kernels' own quantizers, so rounding —
 * half to even — and clipping are the same bit for bit); the backward pass is the clipped
 * straight-through estimator, {@code dL/dx = dL/dx̂ · 1[|rint(x / s)| ≤ qmax]}: identity where the
 * value was representable, zero where it was clipped. The scales themselves are treated as constants
 * (they follow max|x|, which the gradient does not see).
 *
 * <pre>
 *   forward                                        backward
 *   ŵ[o, i] = s_o · clamp(rint(w/s_o), ±127)       dL/dw = dL/dŵ        (s_o = max|w[o,:]| / 127: no clipping)
 *   x̂[r, i] = s_r · clamp(rint(x/s_r), ±127)       dL/dx = dL/dx̂        (s_r = max|x[r,:]| / 127: no clipping)
 *   x̂ = s · clamp(rint(x/s), ±127), fixed s        dL/dx = dL/dx̂ · 1[|rint(x/s)| ≤ 127]
 *   ŵ = int4 per block of 32 (s_b = max/7)         dL/dw = dL/dŵ
 * </pre>
 */
public final class FakeQuant {
    private FakeQuant() {}

    /** Per-output-channel int8 weights, exactly as {@link Int8Matrix#quantize}. */
    public static Var int8Weights(Var w) {
        int[] s = w.shape();
        float[] deq = Int8Matrix.quantize(w.value().toArray(), 0, s[0], s[1]).dequantize();
        return straightThrough(w, Tensor.of(deq, s));
    }

    /** Int4 weights in blocks of 32, exactly as {@link Int4Matrix#quantize}. */
    public static Var int4Weights(Var w) {
        int[] s = w.shape();
        float[] deq = Int4Matrix.quantize(w.value().toArray(), 0, s[0], s[1]).dequantize();
        return straightThrough(w, Tensor.of(deq, s));
    }

    /** Dynamic per-row int8 activations over the last axis, exactly as {@link Int8Activations#quantize}. */
    public static Var int8ActivationsPerRow(Var x) {
        int[] s = x.shape();
        int in = s[s.length - 1];
        int rows = x.value().size() / Math.max(1, in);
        float[] deq = Int8Activations.of(x.value().toArray(), 0, rows, in).dequantize();
        return straightThrough(x, Tensor.of(deq, s));
    }

    /**
     * Static int8 activations with one scale, exactly as {@link Int8Activations#quantizeWithScale}; values
     * beyond {@code ±127 · scale} clip and get no gradient.
     */
    public static Var int8ActivationsStatic(Var x, float scale) {
        int[] s = x.shape();
        int in = s[s.length - 1];
        int rows = x.value().size() / Math.max(1, in);
        float[] v = x.value().toArray();
        float[] deq = new Int8Activations(rows, in).quantizeWithScale(v, 0, scale).dequantize();
        boolean[] inside = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            inside[i] = StaticActivations.inside(v[i], scale);
        }
        return Var.op(Tensor.of(deq, s), g -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] gd = g.toArray();
            for (int i = 0; i < gd.length; i++) {
                if (!inside[i]) {
                    gd[i] = 0f;
                }
            }
            x.accumulateGrad(Tensor.of(gd, s));
        }, x);
    }

    /** {@code value} forward, the gradient passed through unchanged backward. */
    private static Var straightThrough(Var source, Tensor value) {
        return Var.op(value, g -> {
            if (source.requiresGrad()) {
                source.accumulateGrad(g);
            }
        }, source);
    }
}
