package dev.joule.compress;

import dev.joule.compress.prune.ShrinkPlan;
import dev.joule.compress.prune.ShrunkForms;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.compress.quant.QuantizedLayer;
import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.ShrunkWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The forms a compressed layer could run, all holding the same weights: the matrix in its value (pruned
 * zeros, dequantized codes). The first is always the f32 dense kernel — what the uncompressed model runs —
 * so {@link dev.joule.kernel.forms.FormChooser} compares everything with it.
 *
 * <p>Which forms are offered follows what the compression allows without changing the numbers the user
 * asked for: int8 or int4 weights may run through their weight-only kernel or, dequantized, through any
 * f32 kernel ({@link DequantizedForm}: same weights, same stored codes); W8A8 is offered only when the user
 * chose a scheme that quantizes activations, because it changes the results.
 */
final class FormCandidates {
    private FormCandidates() {}

    /**
     * @param layer     the layer (its weight value already pruned and dequantized; set here to exactly the stored codes)
     * @param quantized its quantization, or null when it stays f32
     * @param shrink    its structured-pruning shrink, or null
     * @param structure how it was pruned (null when not pruned)
     */
    static List<LinearWeights> of(LinearLayer layer, QuantizedLayer quantized, ShrinkPlan.Shrink shrink,
                                  PruneSpec.Structure structure) {
        List<DequantizedForm.Kind> f32Kinds = new ArrayList<>();
        f32Kinds.add(DequantizedForm.Kind.DENSE);
        if (shrink != null) {
            f32Kinds.add(DequantizedForm.Kind.SHRUNK);
        }
        if (structure == PruneSpec.Structure.UNSTRUCTURED || structure == PruneSpec.Structure.GLOBAL) {
            f32Kinds.add(DequantizedForm.Kind.CSR);
        } else if (structure == PruneSpec.Structure.TWO_OF_FOUR) {
            f32Kinds.add(DequantizedForm.Kind.NM_2_4);
        }
        List<LinearWeights> c = new ArrayList<>();
        if (quantized == null) {
            float[] w = layer.weight().value().toArray();
            for (DequantizedForm.Kind k : f32Kinds) {
                c.add(DequantizedForm.f32(k, w, layer.out(), layer.in(), shrink == null ? null : shrink.keptRows(),
                        shrink == null ? null : shrink.keptCols()));
            }
            return c;
        }
        LinearWeights stored = stored(layer, quantized, shrink);
        // Int4 blocks of the kept block start at other columns than the full matrix's, so its codes differ:
        // the value takes exactly what is stored, so training, the f32 kernels and the saved codes agree.
        layer.weight().value().copyFrom(Tensor.of(stored.toDense(), layer.out(), layer.in()));
        for (DequantizedForm.Kind k : f32Kinds) {
            c.add(DequantizedForm.of(stored, k));
        }
        c.add(stored);
        if (quantized.scheme().quantizesActivations()) {
            c.add(w8a8(quantized, quantized.int8()));
            if (shrink != null) {
                c.add(shrunk(shrink, w8a8(quantized, ((Int8Weights) ((ShrunkWeights) stored).small()).matrix())));
            }
        }
        return c;
    }

    /**
     * The compact weight-only form whose codes are saved: the kept block of a structured-pruned layer, else
     * the whole matrix. Per-channel int8 codes of the kept block equal the full matrix's: the dropped columns
     * are zero, so every kept row keeps its largest magnitude and therefore its scale.
     */
    private static LinearWeights stored(LinearLayer layer, QuantizedLayer q, ShrinkPlan.Shrink shrink) {
        boolean int4 = q.scheme() == QuantScheme.INT4_WEIGHT;
        if (shrink == null) {
            return int4 ? Int4Weights.weightOnly(q.int4()) : Int8Weights.weightOnly(q.int8());
        }
        float[] small = ShrunkForms.smallMatrix(layer.weight(), shrink);
        int rows = shrink.keptRows().length;
        int cols = shrink.keptCols().length;
        LinearWeights inner = int4 ? Int4Weights.weightOnly(Int4Matrix.quantize(small, 0, rows, cols))
                : Int8Weights.weightOnly(Int8Matrix.quantize(small, 0, rows, cols));
        return shrunk(shrink, inner);
    }

    private static LinearWeights w8a8(QuantizedLayer q, Int8Matrix m) {
        return q.scheme() == QuantScheme.W8A8_STATIC ? Int8Weights.w8a8Static(m, q.activationScale()) : Int8Weights.w8a8(m);
    }

    private static LinearWeights shrunk(ShrinkPlan.Shrink s, LinearWeights small) {
        return ShrunkWeights.of(s.out(), s.in(), s.keptRows(), s.keptCols(), small);
    }
}
