package dev.joule.compress.quant;

import dev.joule.autograd.LinearFakeQuant;
import dev.joule.autograd.Var;
import dev.joule.compress.LinearLayer;
import java.util.List;
import java.util.Map;

/**
 * Quantization-aware training on probed layers: {@link #enable} attaches a {@link LinearFakeQuant} to
 * each weight so every {@code Ops.linear} during fine-tuning multiplies what the integer kernel of the
 * scheme will multiply ({@link FakeQuant}); the optimizer keeps updating the f32 master weights. After
 * training, {@link #disable} and quantize the trained weights with {@link Quantizer} (same scheme).
 * Inference forms attached to these weights are removed on enable: they would hold the weights from
 * before training.
 */
public final class QatTraining {
    private final List<LinearLayer> layers;

    private QatTraining(List<LinearLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    /**
     * Fake-quantizes {@code layers} with {@code scheme}; {@code staticScales} (by layer name) is needed
     * for {@link QuantScheme#W8A8_STATIC} only.
     */
    public static QatTraining enable(List<LinearLayer> layers, QuantScheme scheme, Map<String, Float> staticScales) {
        for (LinearLayer l : layers) {
            Float s = staticScales == null ? null : staticScales.get(l.name());
            if (scheme == QuantScheme.W8A8_STATIC && s == null) {
                throw new IllegalArgumentException("layer '" + l.name() + "' has no static activation scale for QAT;"
                        + " calibrate first (Calibration.activationScales) or train with w8a8");
            }
            l.weight().setInferenceWeights(null);
            l.weight().setFakeQuant(hook(scheme, s == null ? Float.NaN : s));
        }
        return new QatTraining(layers);
    }

    /** Dynamic W8A8 on every layer: the default for QAT. */
    public static QatTraining enable(List<LinearLayer> layers) {
        return enable(layers, QuantScheme.W8A8, Map.of());
    }

    /** Removes the fake quantization; linear runs the f32 weights again. */
    public void disable() {
        for (LinearLayer l : layers) {
            l.weight().setFakeQuant(null);
        }
    }

    public List<LinearLayer> layers() {
        return layers;
    }

    static LinearFakeQuant hook(QuantScheme scheme, float staticScale) {
        return new LinearFakeQuant() {
            @Override
            public Var input(Var x) {
                return switch (scheme) {
                    case W8A8 -> FakeQuant.int8ActivationsPerRow(x);
                    case W8A8_STATIC -> FakeQuant.int8ActivationsStatic(x, staticScale);
                    case INT8_WEIGHT, INT4_WEIGHT -> x;
                };
            }

            @Override
            public Var weight(Var w) {
                return scheme == QuantScheme.INT4_WEIGHT ? FakeQuant.int4Weights(w) : FakeQuant.int8Weights(w);
            }
        };
    }
}
