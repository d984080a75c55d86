package dev.joule.compress;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.FineTune;
import dev.joule.compress.prune.GradualPruning;
import dev.joule.compress.prune.MagnitudePruning;
import dev.joule.compress.prune.NeuronGroups;
import dev.joule.compress.prune.PruningMasks;
import dev.joule.compress.prune.ShrinkPlan;
import dev.joule.compress.prune.StructuredPruning;
import dev.joule.compress.quant.QatTraining;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.compress.quant.QuantizedLayer;
import dev.joule.compress.quant.Quantizer;
import dev.joule.compress.quant.Sensitivity;
import dev.joule.kernel.forms.FormChooser;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.nn.Model;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.train.Evaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compression pipeline behind {@code joule compress}: prune, fine-tune with the masks kept, optionally
 * train quantization-aware, quantize, fall back to f32 where the accuracy budget asks, then time every
 * layer's candidate forms at its real shape and attach the fastest. The model is changed in place and left
 * ready for inference; {@link CompressionResult} says what each layer became and what it costs.
 */
public final class Compressor {
    private static final Logger LOG = LoggerFactory.getLogger(Compressor.class);
    /** Rows the kernels are timed at, at most: time per row is flat beyond a few thousand rows. */
    private static final int MAX_CHOOSER_ROWS = 4096;

    private Compressor() {}

    public static CompressionResult compress(Model model, CompressionSpec spec, CompressionData data) {
        model.setTraining(false);
        List<LinearLayer> layers = LinearLayers.probe(model, data.sample());
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("the model multiplies no weight matrix through Ops.linear, so there is nothing to compress");
        }
        ToDoubleFunction<Model> accuracy = m -> Evaluator.evaluate(m, data.validation()).accuracy();
        double baseline = accuracy.applyAsDouble(model);
        LOG.info("{} linear layers; validation accuracy before compression {}", layers.size(), String.format("%.4f", baseline));

        Map<String, Var> weights = new LinkedHashMap<>();
        layers.forEach(l -> weights.put(l.name(), l.weight()));
        PruningMasks masks = PruningMasks.empty();
        ShrinkPlan shrink = new ShrinkPlan(Map.of());
        long steps = 0;
        double seconds = 0;
        double prunedAccuracy = Double.NaN;
        if (spec.prune() != null) {
            PruneSpec p = spec.prune();
            GradualPruning gradual = null;
            if (spec.gradual()) {
                gradual = new GradualPruning(weights, 0, p.fraction(), 0, Math.max(1, spec.fineTuneSteps() / 20), 10,
                        p.structure() == PruneSpec.Structure.GLOBAL ? MagnitudePruning.Scope.GLOBAL : MagnitudePruning.Scope.PER_LAYER);
            } else {
                StructuredPruning.Result structured = null;
                switch (p.structure()) {
                    case STRUCTURED -> {
                        structured = StructuredPruning.prune(model, p.fraction());
                        masks = structured.masks();
                    }
                    case UNSTRUCTURED -> masks = MagnitudePruning.unstructured(weights, p.fraction(), MagnitudePruning.Scope.PER_LAYER);
                    case GLOBAL -> masks = MagnitudePruning.unstructured(weights, p.fraction(), MagnitudePruning.Scope.GLOBAL);
                    case TWO_OF_FOUR -> masks = MagnitudePruning.nOfM(weights, 2, 4);
                }
                masks.apply(model.namedParameters());
            }
            if (spec.fineTuneSteps() > 0) {
                FineTune ft = FineTune.of(model, data.train()).steps(spec.fineTuneSteps()).learningRate(spec.learningRate())
                        .schedule(schedule(spec.fineTuneSteps(), spec.learningRate())).seed(spec.seed()).masks(masks);
                if (gradual != null) {
                    ft.listener(gradual);
                }
                FineTune.Result r = ft.run();
                steps += r.steps();
                seconds += r.trainSeconds();
                if (gradual != null) {
                    masks = gradual.masks();
                    masks.apply(model.namedParameters());
                }
            }
            shrink = ShrinkPlan.fromMasks(masks, model.namedParameters());
            model.setTraining(false);
            prunedAccuracy = accuracy.applyAsDouble(model);
            LOG.info("pruned {} ({} of the linear weights are zero); validation accuracy {}", p.label(),
                    String.format("%.3f", masks.overallSparsity()), String.format("%.4f", prunedAccuracy));
        }

        List<QuantizedLayer> quantized = List.of();
        List<String> keptF32 = List.of();
        if (spec.quantize() != null) {
            Map<String, Float> scales = spec.quantize() == QuantScheme.W8A8_STATIC
                    ? spec.calibration().activationScales(model, layers, data.calibration()) : Map.of();
            if (spec.qatSteps() > 0) {
                QatTraining qat = QatTraining.enable(layers, spec.quantize(), scales);
                try {
                    FineTune.Result r = FineTune.of(model, data.train()).steps(spec.qatSteps()).learningRate(spec.learningRate())
                            .schedule(schedule(spec.qatSteps(), spec.learningRate())).seed(spec.seed() + 1).masks(masks).run();
                    steps += r.steps();
                    seconds += r.trainSeconds();
                } finally {
                    qat.disable();
                }
                model.setTraining(false);
            }
            Quantizer.Options options = new Quantizer.Options(spec.quantize(), scales, spec.mseWeightClipping(), Set.of());
            quantized = Quantizer.quantize(layers, options);
            if (!Double.isNaN(spec.maxAccuracyDrop())) {
                double drop = 100 * (baseline - accuracy.applyAsDouble(model));
                if (drop > spec.maxAccuracyDrop()) {
                    Quantizer.revert(quantized);
                    Sensitivity.Report report = Sensitivity.report(layers, options, accuracy, model);
                    Sensitivity.Fallback fb = Sensitivity.fallbackToMeet(spec.maxAccuracyDrop(),
                            new Sensitivity.Report(baseline, report.allQuantized(), report.layers()), layers, options, accuracy, model);
                    quantized = fb.quantized();
                    keptF32 = fb.keptF32();
                    LOG.info("accuracy budget {} points: kept {} in f32", spec.maxAccuracyDrop(), keptF32);
                }
            }
        }

        List<LayerReport> reports = chooseForms(layers, quantized, masks, shrink, narrowed(model, shrink), spec);
        double finalAccuracy = accuracy.applyAsDouble(model);
        return new CompressionResult(reports, quantized, masks, shrink, keptF32, baseline, prunedAccuracy, finalAccuracy,
                steps, seconds);
    }

    /**
     * Short warm-up, then cosine decay to 2 % of the peak: pruning knocks the model off its minimum, a high rate
     * early moves it to a new one, and the decay settles it there within the step budget.
     */
    private static LearningRateSchedule schedule(long steps, float peak) {
        return new LearningRateSchedule.WarmupCosine(Math.max(1, steps / 30), steps, peak, peak * 0.02f);
    }

    /**
     * The shrunk matrices the model's modules will run narrowed (every matrix of the unit group is shrunk): for
     * them only the kept block is ever multiplied, so only its forms are timed and a shrunk form always runs.
     */
    private static Set<String> narrowed(Model model, ShrinkPlan shrink) {
        Set<String> out = new java.util.HashSet<>();
        if (shrink.layers().isEmpty()) {
            return out;
        }
        for (List<String> group : NeuronGroups.narrowedInModules(model)) {
            if (shrink.layers().keySet().containsAll(group)) {
                out.addAll(group);
            }
        }
        return out;
    }

    /**
     * Times each compressed layer's candidate forms at its shape and attaches the fastest. A layer in
     * {@code narrowed} runs inside its module as the kept block alone (no gather, no scatter): its shrunk
     * candidates are timed by their kept block, and the fastest block runs.
     */
    private static List<LayerReport> chooseForms(List<LinearLayer> layers, List<QuantizedLayer> quantized, PruningMasks masks,
                                                 ShrinkPlan shrink, Set<String> narrowed, CompressionSpec spec) {
        Map<String, QuantizedLayer> byName = new LinkedHashMap<>();
        quantized.forEach(q -> byName.put(q.name(), q));
        PruneSpec.Structure structure = spec.prune() == null ? null : spec.prune().structure();
        List<LayerReport> out = new ArrayList<>();
        for (LinearLayer l : layers) {
            QuantizedLayer q = byName.get(l.name());
            ShrinkPlan.Shrink s = shrink.layers().get(l.name());
            boolean pruned = masks.names().contains(l.name());
            long denseMacs = (long) l.out() * l.in() * l.rowsPerInference();
            if (q == null && !pruned) {
                l.weight().setInferenceWeights(null);
                out.add(new LayerReport(l.name(), l.out(), l.in(), "f32", zeroShare(l), "dense (not compressed)", "f32",
                        4L * l.out() * l.in(), denseMacs, denseMacs, List.of(), "left in f32"));
                continue;
            }
            List<LinearWeights> candidates = FormCandidates.of(l, q, s, pruned ? structure : null);
            double sparsity = zeroShare(l);
            int rows = (int) Math.min(MAX_CHOOSER_ROWS, Math.max(1, l.rowsPerInference() * spec.batchRows()));
            FormChooser.Choice choice;
            LinearWeights form;
            if (narrowed.contains(l.name())) {
                List<LinearWeights> shrunk = candidates.stream().filter(c -> c.shrunk() != null).toList();
                FormChooser.Choice block = FormChooser.fastest(shrunk.stream().map(c -> (LinearWeights) c.shrunk().small()).toList(), rows);
                form = shrunk.stream().filter(c -> c.shrunk().small() == block.form()).findFirst().orElseThrow();
                choice = new FormChooser.Choice(form, block.timings(), "narrowed in its module (kept units only, no gather/scatter): "
                        + block.reason());
            } else {
                choice = FormChooser.fastest(candidates, rows);
                form = choice.form();
            }
            l.weight().setInferenceWeights(form);
            String stored = q != null ? q.scheme().id() : "f32";
            out.add(new LayerReport(l.name(), l.out(), l.in(), stored, sparsity, form.kernel(), form.format(), form.storedBytes(),
                    denseMacs, form.macsPerRow() * l.rowsPerInference(), choice.timings(), choice.reason()));
            LOG.info("{} [{}x{}] {}: {}", l.name(), l.out(), l.in(), stored, choice.reason());
        }
        return out;
    }

    private static double zeroShare(LinearLayer l) {
        float[] w = l.weight().value().toArray();
        long zeros = 0;
        for (float v : w) {
            zeros += v == 0f ? 1 : 0;
        }
        return (double) zeros / w.length;
    }
}
