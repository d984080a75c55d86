package dev.joule.compress;

import dev.joule.compress.prune.PruningMasks;
import dev.joule.compress.prune.ShrinkPlan;
import dev.joule.compress.quant.QuantizedLayer;
import java.util.List;

/**
 * What {@link Compressor} did.
 *
 * @param layers            every linear layer, in forward order
 * @param quantized         the quantized layers (codes and scales, for the checkpoint)
 * @param masks             the pruning masks (empty when not pruned)
 * @param shrink            structured pruning's kept rows and columns (empty otherwise)
 * @param keptF32           layers the accuracy budget kept in f32, most sensitive first
 * @param baselineAccuracy  accuracy on the validation batches before compression (fraction)
 * @param prunedAccuracy    after pruning and fine-tuning, before quantization (NaN when not pruned)
 * @param accuracy          after compression, with the chosen kernels
 * @param fineTuneSteps     fine-tuning and QAT steps run
 * @param fineTuneSeconds   their training time
 */
public record CompressionResult(List<LayerReport> layers, List<QuantizedLayer> quantized, PruningMasks masks,
        ShrinkPlan shrink, List<String> keptF32, double baselineAccuracy, double prunedAccuracy, double accuracy,
        long fineTuneSteps, double fineTuneSeconds) {

    /** Accuracy lost, in percentage points (negative: gained). */
    public double accuracyDropPoints() {
        return 100 * (baselineAccuracy - accuracy);
    }

    /** Dense MACs per inference summed over the linear layers. */
    public long denseMacs() {
        return layers.stream().mapToLong(LayerReport::denseMacs).sum();
    }

    /** MACs per inference of the forms that run, summed over the linear layers. */
    public long macs() {
        return layers.stream().mapToLong(LayerReport::macs).sum();
    }
}
