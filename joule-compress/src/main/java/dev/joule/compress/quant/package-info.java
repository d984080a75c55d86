/**
 * Quantization of a model's linear layers. {@link dev.joule.compress.LinearLayers#probe} finds the
 * layers; {@link dev.joule.compress.quant.Quantizer} applies a {@link dev.joule.compress.quant.QuantScheme}
 * (W8A8 dynamic or static, int8 or int4 weight-only) with the kernels' own quantizers, writes the
 * dequantized matrix into each weight and attaches the inference form;
 * {@link dev.joule.compress.quant.Calibration} gives static activation scales (min-max, percentile, MSE)
 * and {@link dev.joule.compress.quant.WeightClipping} MSE-optimal per-channel ranges;
 * {@link dev.joule.compress.quant.Sensitivity} measures each layer's accuracy cost and keeps the worst in
 * f32 to meet a budget; {@link dev.joule.compress.quant.FakeQuant} and
 * {@link dev.joule.compress.quant.QatTraining} train with exactly the kernels' rounding and clipping
 * through the {@code Var.setFakeQuant} hook of {@code Ops.linear}.
 */
package dev.joule.compress.quant;
