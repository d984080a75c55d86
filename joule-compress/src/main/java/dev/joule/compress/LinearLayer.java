package dev.joule.compress;

import dev.joule.autograd.Var;

/**
 * One weight matrix a model multiplies through {@code Ops.linear}, as {@link LinearLayers#probe} found it.
 *
 * @param name             the parameter's dotted path ({@code blocks.0.attn.q.weight}, {@code layers.0.weight_hh})
 * @param weight           the parameter itself ({@code [out, in]})
 * @param out              rows: output features
 * @param in               columns: input features
 * @param rowsPerInference input rows it multiplies per inference sample (1 for a classifier head, the
 *                         sequence length for a per-token projection or a recurrent weight)
 */
public record LinearLayer(String name, Var weight, int out, int in, long rowsPerInference) {

    /** Multiply-accumulates per inference sample in dense f32. */
    public long macsPerInference() {
        return rowsPerInference * out * in;
    }
}
