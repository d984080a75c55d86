package dev.joule.compress.quant;

import dev.joule.compress.LinearLayer;
import dev.joule.nn.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which layers quantization hurts: each layer is quantized alone and the model evaluated, then put
 * back; the evaluator is any task's accuracy (a fraction in [0, 1]), so drops are in percentage points.
 * {@link #fallbackToMeet} then keeps the most sensitive layers in f32 until the whole model's drop is
 * within a budget.
 */
public final class Sensitivity {
    private static final Logger LOG = LoggerFactory.getLogger(Sensitivity.class);

    /** One layer quantized alone: accuracy drop in points ({@code 100 · (baseline − accuracy)}). */
    public record LayerDrop(String name, double dropPoints) {}

    /**
     * @param baseline      f32 accuracy (fraction)
     * @param allQuantized  accuracy with every layer quantized (fraction)
     * @param layers        per-layer drops, most sensitive first
     */
    public record Report(double baseline, double allQuantized, List<LayerDrop> layers) {
        public double allDropPoints() {
            return 100 * (baseline - allQuantized);
        }
    }

    /**
     * The outcome of a fallback: layers left in f32 (most sensitive first), the layers now quantized
     * (attached to the model), and the final accuracy.
     */
    public record Fallback(List<String> keptF32, List<QuantizedLayer> quantized, double accuracy, double dropPoints) {}

    private Sensitivity() {}

    /** Measures every layer's drop with {@code options} (its keep list is ignored); the model is left as it was. */
    public static Report report(List<LinearLayer> layers, Quantizer.Options options, ToDoubleFunction<Model> accuracy,
            Model model) {
        double base = accuracy.applyAsDouble(model);
        List<LayerDrop> drops = new ArrayList<>();
        for (LinearLayer l : layers) {
            List<QuantizedLayer> one = Quantizer.quantize(List.of(l), options.keeping(Set.of()));
            double acc = accuracy.applyAsDouble(model);
            Quantizer.revert(one);
            drops.add(new LayerDrop(l.name(), 100 * (base - acc)));
        }
        List<QuantizedLayer> all = Quantizer.quantize(layers, options.keeping(Set.of()));
        double allAcc = accuracy.applyAsDouble(model);
        Quantizer.revert(all);
        drops.sort(Comparator.comparingDouble(LayerDrop::dropPoints).reversed());
        return new Report(base, allAcc, List.copyOf(drops));
    }

    /**
     * Quantizes every layer, then puts layers back into f32 in order of the report's sensitivity until
     * the accuracy drop against the report's baseline is at most {@code maxDropPoints} (or every layer
     * is f32). The model is left quantized as the result says.
     */
    public static Fallback fallbackToMeet(double maxDropPoints, Report report, List<LinearLayer> layers,
            Quantizer.Options options, ToDoubleFunction<Model> accuracy, Model model) {
        Set<String> kept = new LinkedHashSet<>(options.keepF32());
        List<QuantizedLayer> quantized = new ArrayList<>(Quantizer.quantize(layers, options.keeping(kept)));
        double acc = accuracy.applyAsDouble(model);
        for (LayerDrop d : report.layers()) {
            if (100 * (report.baseline() - acc) <= maxDropPoints) {
                break;
            }
            QuantizedLayer q = quantized.stream().filter(x -> x.name().equals(d.name())).findFirst().orElse(null);
            if (q == null) {
                continue;
            }
            q.revert();
            quantized.remove(q);
            kept.add(d.name());
            acc = accuracy.applyAsDouble(model);
            LOG.info("kept {} in f32 (alone it cost {} points); drop now {} points", d.name(),
                    String.format("%.2f", d.dropPoints()), String.format("%.2f", 100 * (report.baseline() - acc)));
        }
        return new Fallback(List.copyOf(kept), List.copyOf(quantized), acc, 100 * (report.baseline() - acc));
    }
}
