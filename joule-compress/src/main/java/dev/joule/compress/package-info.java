/**
 * Compression that has to pay in joules: pruning ({@code prune}), quantization ({@code quant}),
 * dynamic per-input savings ({@code dynamic}), distillation ({@code distill}) and the compressed
 * checkpoint ({@code io}). Compressed weights reach the engine as
 * {@link dev.joule.kernel.forms.LinearWeights} forms attached to a model's weight matrices, so every
 * architecture that multiplies through {@code Ops.linear} is compressed the same way.
 */
package dev.joule.compress;
