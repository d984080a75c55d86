package dev.joule.compress.dynamic;

import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.data.Dataset;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.SkippingWeights;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic activation sparsity: linears whose inputs are mostly zero (ReLU outputs, spikes, background
 * pixels) get a {@link SkippingWeights} form, which per input row multiplies only the weight rows of the
 * inputs with {@code |x| > threshold}. At threshold 0 the outputs are the dense ones; a small calibrated
 * threshold (TEAL-style) also drops near-zero inputs, within an accuracy budget.
 *
 * <pre>{@code
 * List<LinearLayer> layers = LinearLayers.probe(model, sample);
 * List<LayerSurvey> s = ActivationSkipping.survey(model, layers, calibrationInputs, 0f);
 * ActivationSkipping.Attached a = ActivationSkipping.attach(layers, s, 0.5, 0f);
 * ActivationSkippingReport r = ActivationSkipping.measure(model, a, test, null, 2, 500);
 * }</pre>
 */
public final class ActivationSkipping {
    private static final Logger LOG = LoggerFactory.getLogger(ActivationSkipping.class);
    /** Layers whose inputs are at least this often skippable are worth a skipping form by default. */
    public static final double DEFAULT_MIN_SKIPPED = 0.5;

    private ActivationSkipping() {}

    /**
     * How sparse one linear's inputs were over the calibration inputs.
     *
     * @param values        input values seen
     * @param zeros         of them exactly 0
     * @param skippable     of them with {@code |x| <= threshold}
     */
    public record LayerSurvey(LinearLayer layer, float threshold, long values, long zeros, long skippable) {
        public double zeroFraction() {
            return values == 0 ? 0 : (double) zeros / values;
        }

        public double skippableFraction() {
            return values == 0 ? 0 : (double) skippable / values;
        }
    }

    /** Counts, per layer, the input values that are 0 and that are at most {@code threshold} in magnitude. */
    public static List<LayerSurvey> survey(Model model, List<LinearLayer> layers, Iterable<Tensor> inputs, float threshold) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (LinearLayer l : layers) {
            counts.put(l.name(), new long[3]);
        }
        LinearLayers.record(model, layers, inputs, (layer, x, off, rows, in) -> {
            long[] c = counts.get(layer);
            long zeros = 0;
            long skippable = 0;
            for (int i = off, end = off + rows * in; i < end; i++) {
                float v = Math.abs(x[i]);
                zeros += v == 0f ? 1 : 0;
                skippable += v <= threshold ? 1 : 0;
            }
            c[0] += (long) rows * in;
            c[1] += zeros;
            c[2] += skippable;
        });
        List<LayerSurvey> out = new ArrayList<>();
        for (LinearLayer l : layers) {
            long[] c = counts.get(l.name());
            out.add(new LayerSurvey(l, threshold, c[0], c[1], c[2]));
        }
        return out;
    }

    /** Skipping forms attached to some layers, with the forms they replaced, so the two can be swapped. */
    public static final class Attached {
        private final Map<LinearLayer, SkippingWeights> forms;
        private final Map<LinearLayer, LinearWeights> previous = new LinkedHashMap<>();
        private final float threshold;

        Attached(Map<LinearLayer, SkippingWeights> forms, float threshold) {
            this.forms = forms;
            this.threshold = threshold;
            forms.keySet().forEach(l -> previous.put(l, l.weight().inferenceWeights()));
        }

        public Map<LinearLayer, SkippingWeights> forms() {
            return forms;
        }

        public float threshold() {
            return threshold;
        }

        /** Puts the skipping forms on their weights. */
        public void attach() {
            forms.forEach((l, f) -> l.weight().setInferenceWeights(f));
        }

        /** Puts back the forms the weights had before (null: dense f32). */
        public void detach() {
            previous.forEach((l, f) -> l.weight().setInferenceWeights(f));
        }
    }

    /**
     * Builds a {@link SkippingWeights} for every surveyed layer whose skippable fraction is at least
     * {@code minSkipped}, and attaches them.
     */
    public static Attached attach(List<LayerSurvey> survey, double minSkipped, float threshold) {
        Map<LinearLayer, SkippingWeights> forms = new LinkedHashMap<>();
        for (LayerSurvey s : survey) {
            if (s.skippableFraction() >= minSkipped) {
                LinearLayer l = s.layer();
                forms.put(l, SkippingWeights.of(l.weight().value().toArray(), l.out(), l.in(), threshold));
            }
        }
        Attached a = new Attached(forms, threshold);
        a.attach();
        return a;
    }

    /**
     * The largest of {@code candidates} (tried in increasing order, stopping at the first that breaks the
     * budget) whose skipping keeps the accuracy on {@code heldOut} within {@code budgetPoints} of the dense
     * model's. {@code heldOut} must not be the test set. Leaves no form attached.
     */
    public static float calibrateThreshold(Model model, List<LinearLayer> layers, Iterable<Tensor> surveyInputs,
            Dataset heldOut, float[] candidates, double budgetPoints, double minSkipped, int batch) {
        double dense = (double) VariantWindows.pass(model, heldOut, batch) / heldOut.size();
        float chosen = 0f;
        for (float t : candidates) {
            Attached a = attach(survey(model, layers, surveyInputs, t), minSkipped, t);
            double acc;
            try {
                acc = (double) VariantWindows.pass(model, heldOut, batch) / heldOut.size();
            } finally {
                a.detach();
            }
            LOG.info("activation skipping at threshold {}: {} layers, held-out accuracy {} (dense {})", t, a.forms().size(), acc, dense);
            if (acc < dense - budgetPoints / 100 - 1e-12) {
                break;
            }
            chosen = Math.max(chosen, t);
        }
        return chosen;
    }

    /**
     * Runs the model dense and with the skipping forms, alternating, {@code passes} times each over
     * {@code test}, in windows of {@code run} (a run of its own when null); leaves the forms attached.
     */
    public static ActivationSkippingReport measure(Model model, Attached attached, Dataset test, EnergyRun run,
            int passes, int batch, List<LayerSurvey> survey) {
        if (run == null) {
            try (EnergyRun own = EnergyTracker.start("activation-skipping")) {
                return measure(model, attached, test, own, passes, batch, survey);
            }
        }
        model.setTraining(false);
        Dataset warm = new DatasetSplit(test, 0, Math.min(2000, test.size()));
        attached.detach();
        VariantWindows.pass(model, warm, batch);
        attached.attach();
        VariantWindows.pass(model, warm, batch);
        attached.forms().values().forEach(SkippingWeights::resetCounts);
        VariantWindows dense = new VariantWindows("dense");
        VariantWindows skipping = new VariantWindows("skipping");
        for (int p = 0; p < passes; p++) {
            attached.detach();
            dense.add(run, model, test, batch, p);
            attached.attach();
            skipping.add(run, model, test, batch, p);
        }
        long denseMacs = model.macsPerInference();
        if (denseMacs < 0) {
            denseMacs = survey.stream().mapToLong(s -> s.layer().macsPerInference()).sum();
        }
        List<ActivationSkippingReport.Layer> rows = new ArrayList<>();
        double saved = 0;
        for (LayerSurvey s : survey) {
            SkippingWeights f = attached.forms().get(s.layer());
            double effective = f == null ? s.layer().out() * (double) s.layer().in() : f.effectiveMacsPerRow();
            saved += (s.layer().out() * (double) s.layer().in() - effective) * s.layer().rowsPerInference();
            rows.add(new ActivationSkippingReport.Layer(s.layer().name(), s.layer().out(), s.layer().in(),
                    s.layer().rowsPerInference(), s.zeroFraction(), s.skippableFraction(), f != null,
                    (long) s.layer().out() * s.layer().in(), effective));
        }
        return new ActivationSkippingReport(dense.result(denseMacs), skipping.result(denseMacs - saved),
                attached.threshold(), rows);
    }
}
