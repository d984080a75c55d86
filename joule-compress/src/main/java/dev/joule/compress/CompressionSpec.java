package dev.joule.compress;

import dev.joule.compress.quant.Calibration;
import dev.joule.compress.quant.QuantScheme;

/**
 * What {@link Compressor} does to a model.
 *
 * @param prune             pruning, or null for none
 * @param quantize          the quantization scheme, or null to keep f32 weights
 * @param calibration       how static activation scales are found (used by {@code w8a8-static})
 * @param mseWeightClipping clip each output channel to its MSE-optimal range before quantizing
 * @param fineTuneSteps     optimizer steps of fine-tuning after pruning, masks kept (0: none)
 * @param gradual           raise the sparsity gradually over the fine-tuning (Zhu &amp; Gupta) instead of at once
 * @param qatSteps          steps of quantization-aware training before quantizing (0: post-training only)
 * @param learningRate      the fine-tuning and QAT learning rate
 * @param maxAccuracyDrop   largest accepted accuracy drop in points; the most sensitive layers fall back to
 *                          f32 until it holds (NaN: no budget)
 * @param batchRows         inputs per forward pass the kernels are chosen for (the evaluation batch)
 * @param seed              seed of fine-tuning's shuffling
 */
public record CompressionSpec(PruneSpec prune, QuantScheme quantize, Calibration calibration, boolean mseWeightClipping,
        long fineTuneSteps, boolean gradual, long qatSteps, float learningRate, double maxAccuracyDrop, int batchRows,
        long seed) {

    public CompressionSpec {
        if (prune == null && quantize == null) {
            throw new IllegalArgumentException("nothing to compress: give --prune, --quantize or both");
        }
        if (fineTuneSteps < 0 || qatSteps < 0) {
            throw new IllegalArgumentException("fine-tuning and QAT steps must be >= 0, got " + fineTuneSteps + " and " + qatSteps);
        }
        if (qatSteps > 0 && quantize == null) {
            throw new IllegalArgumentException("--qat trains for a quantization scheme: give --quantize too");
        }
        if (gradual && (prune == null || fineTuneSteps == 0)) {
            throw new IllegalArgumentException("gradual pruning happens during fine-tuning: give --prune and --fine-tune-steps > 0");
        }
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be >= 1, got " + batchRows);
        }
        calibration = calibration == null ? Calibration.MIN_MAX : calibration;
    }
}
