package dev.joule.compress.quant;

import dev.joule.compress.LinearLayer;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-training quantization of chosen linear layers. For each layer the f32 matrix is quantized with
 * the kernels' own quantizers, the dequantized matrix is written into the weight's value (so training,
 * dense inference and the checkpoint see the same weights as the integer kernel), and the scheme's form
 * ({@link QuantForms}) is attached to the weight.
 */
public final class Quantizer {
    private static final Logger LOG = LoggerFactory.getLogger(Quantizer.class);

    /**
     * What to do.
     *
     * @param scheme             the scheme for every layer not kept in f32
     * @param activationScales   static activation scales by layer name (needed for {@link QuantScheme#W8A8_STATIC})
     * @param mseWeightClipping  clip each output channel to its MSE-optimal range first ({@link WeightClipping})
     * @param keepF32            layer names left untouched (sensitivity fallback)
     */
    public record Options(QuantScheme scheme, Map<String, Float> activationScales, boolean mseWeightClipping,
            Set<String> keepF32) {
        public Options {
            activationScales = activationScales == null ? Map.of() : activationScales;
            keepF32 = keepF32 == null ? Set.of() : keepF32;
        }

        /** The scheme with no calibration, no clipping, nothing kept in f32. */
        public static Options of(QuantScheme scheme) {
            return new Options(scheme, Map.of(), false, Set.of());
        }

        public Options keeping(Set<String> names) {
            return new Options(scheme, activationScales, mseWeightClipping, names);
        }

        public Options withMseWeightClipping(boolean on) {
            return new Options(scheme, activationScales, on, keepF32);
        }

        public Options withActivationScales(Map<String, Float> scales) {
            return new Options(scheme, scales, mseWeightClipping, keepF32);
        }
    }

    private Quantizer() {}

    /**
     * Quantizes {@code layers} with {@code scheme}; for {@link QuantScheme#W8A8_STATIC} the activation
     * scales come from {@code calibration} run on {@code calibrationBatches} (model in evaluation mode).
     */
    public static List<QuantizedLayer> quantize(Model model, List<LinearLayer> layers, QuantScheme scheme,
            Calibration calibration, Iterable<Tensor> calibrationBatches) {
        Map<String, Float> scales = scheme == QuantScheme.W8A8_STATIC
                ? calibration.activationScales(model, layers, calibrationBatches) : Map.of();
        return quantize(layers, Options.of(scheme).withActivationScales(scales));
    }

    /** Quantizes every layer not in {@code options.keepF32()}; returns them in order. */
    public static List<QuantizedLayer> quantize(List<LinearLayer> layers, Options options) {
        List<QuantizedLayer> done = new ArrayList<>();
        for (LinearLayer l : layers) {
            if (options.keepF32().contains(l.name())) {
                continue;
            }
            float scale = Float.NaN;
            if (options.scheme() == QuantScheme.W8A8_STATIC) {
                Float s = options.activationScales().get(l.name());
                if (s == null) {
                    throw new IllegalArgumentException("layer '" + l.name() + "' has no static activation scale; run"
                            + " Calibration.activationScales over the layers first (or use w8a8, the dynamic scheme)");
                }
                scale = s;
            }
            done.add(quantizeLayer(l, options.scheme(), scale, options.mseWeightClipping()));
        }
        LOG.debug("quantized {} of {} linear layers with {}", done.size(), layers.size(), options.scheme().id());
        return done;
    }

    /** Quantizes one layer in place and attaches its form. */
    public static QuantizedLayer quantizeLayer(LinearLayer l, QuantScheme scheme, float activationScale, boolean mseClip) {
        if (scheme == QuantScheme.W8A8_STATIC && !(activationScale > 0 && Float.isFinite(activationScale))) {
            throw new IllegalArgumentException("layer '" + l.name() + "': static activation scale must be finite and > 0, got "
                    + activationScale);
        }
        float[] original = l.weight().value().toArray();
        float[] source = mseClip ? WeightClipping.mseClipped(original, l.out(), l.in(), scheme.int8Weights()) : original;
        Int8Matrix int8 = scheme.int8Weights() ? Int8Matrix.quantize(source, 0, l.out(), l.in()) : null;
        Int4Matrix int4 = scheme.int8Weights() ? null : Int4Matrix.quantize(source, 0, l.out(), l.in());
        LinearWeights form = QuantForms.of(scheme, int8, int4, activationScale);
        return attach(l, scheme, int8, int4, activationScale, form, original);
    }

    /** Writes the matrices' dequantized values into the weight and attaches {@code form}. */
    static QuantizedLayer attach(LinearLayer l, QuantScheme scheme, Int8Matrix int8, Int4Matrix int4, float activationScale,
            LinearWeights form, float[] original) {
        QuantizedLayer q = new QuantizedLayer(l, scheme, int8, int4, activationScale, form, original);
        l.weight().value().copyFrom(Tensor.of(q.dequantized(), l.out(), l.in()));
        l.weight().setInferenceWeights(form);
        return q;
    }

    /** Reverts every layer ({@link QuantizedLayer#revert}). */
    public static void revert(List<QuantizedLayer> layers) {
        for (QuantizedLayer q : layers) {
            q.revert();
        }
    }
}
