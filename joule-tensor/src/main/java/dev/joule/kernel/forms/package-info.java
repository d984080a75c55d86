/**
 * Inference forms of a linear layer's weight matrix {@code W [out, in]}: one interface,
 * {@link dev.joule.kernel.forms.LinearWeights}, that {@code Ops.linear} runs under {@code NoGrad}
 * when a form is attached to the weight, and one class per form:
 * <ul>
 *   <li>{@link dev.joule.kernel.forms.DenseWeights} / {@link dev.joule.kernel.forms.PackedDenseWeights}: f32;</li>
 *   <li>{@link dev.joule.kernel.forms.Int8Weights}: int8 per-channel, W8A8 (dynamic or static activation
 *       scale) or weight-only; {@link dev.joule.kernel.forms.Int4Weights}: int4 weight-only;</li>
 *   <li>{@link dev.joule.kernel.forms.SparseWeights}: CSR, N:M or block-sparse;</li>
 *   <li>{@link dev.joule.kernel.forms.ShrunkWeights}: structured pruning, a smaller matrix in any form;</li>
 *   <li>{@link dev.joule.kernel.forms.SkippingWeights}: dynamic activation sparsity (skips small inputs).</li>
 * </ul>
 * The forms wrap the kernels of {@code dev.joule.kernel}, {@code .quant} and {@code .sparse}; none
 * has arithmetic of its own except the skipping form's row sums. Every form's {@code toDense()} is
 * the f32 matrix it computes with, which the tests check it against. Which form a layer runs is
 * measured per layer by {@link dev.joule.kernel.forms.FormChooser}.
 */
package dev.joule.kernel.forms;
