package dev.joule.cli;

import dev.joule.compress.CompressionData;
import dev.joule.compress.CompressionResult;
import dev.joule.compress.CompressionSpec;
import dev.joule.compress.Compressor;
import dev.joule.compress.PruneSpec;
import dev.joule.compress.quant.Calibration;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.nn.Model;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;

/**
 * The compressed variant of a model trained by {@code joule compare}: the same {@link Compressor} as
 * {@code joule compress} runs on the trained model, then the variant is evaluated and measured like every
 * other row. Its training energy is the f32 model's plus the compression's own (fine-tuning, timing kernels).
 */
final class CompressedComparison {
    static final String DEFAULT = "0.5:structured+int8";
    static final long FINE_TUNE_STEPS = CompressCommand.DEFAULT_FINE_TUNE_STEPS;

    private final CompareTask task;
    private final double minInferSeconds;
    private final long seed;

    CompressedComparison(CompareTask task, double minInferSeconds, long seed) {
        this.task = task;
        this.minInferSeconds = minInferSeconds;
        this.seed = seed;
    }

    /** Parses {@code PRUNE+SCHEME}, {@code PRUNE} or {@code SCHEME}; token tasks have no fine-tuning set here, so no pruning. */
    static CompressionSpec spec(String text, CompareTask task, long seed) {
        PruneSpec prune = null;
        QuantScheme scheme = null;
        for (String part : text.split("\\+")) {
            String p = part.trim();
            if (!p.isEmpty() && Character.isDigit(p.charAt(0))) {
                prune = PruneSpec.parse(p);
            } else {
                scheme = CompressCommand.scheme(p);
            }
        }
        if (prune != null && !task.images()) {
            throw new IllegalArgumentException("pruning needs fine-tuning, which compare runs on fashion-mnist only; on token"
                    + " tasks write a scheme alone, e.g. --compress int8");
        }
        return new CompressionSpec(prune, scheme, Calibration.MIN_MAX, false, prune == null ? 0 : FINE_TUNE_STEPS, false, 0,
                2e-3f, Double.NaN, CompressReport.EVAL_BATCH, seed);
    }

    CompareRow run(ModelComparison.Trained trained, CompressionSpec spec, String label, EnergyRun run) {
        long wallStart = System.nanoTime();
        CompareRow base = trained.row();
        Model net = trained.net();
        CompressInputs inputs = CompressInputs.of(task.data().json(), CompressReport.EVAL_BATCH);
        CompressionData data = inputs.data();
        CompressionResult result;
        EnergyReport energy;
        try (EnergyWindow w = run.window("compress-" + base.model())) {
            result = Compressor.compress(net, spec, data);
            energy = w.end();
        }
        Metrics m = Evaluator.evaluate(net, task.data().eval());
        InferenceMeasure measure = new InferenceMeasure(task, minInferSeconds);
        InferenceMeasure.Result inf = measure.measure(run, "infer-" + base.model() + "+c", net);
        double latency = measure.p50LatencyMillis(net);
        return new CompareRow(base.model() + "+" + label, base.parameters(), m.accuracy(),
                task.charLm() ? m.bitsPerTarget() : Double.NaN, base.learningRate(), base.steps() + result.fineTuneSteps(),
                base.trainSeconds() + result.fineTuneSeconds(), base.trainJoules() + energy.totalJoules(),
                base.trainSource(), base.trainEstimate() || energy.anyEstimate(), inf.joulesPerInference(),
                inf.report().totalSources(), inf.report().anyEstimate(), inf.report().belowResolution(), inf.inferences(),
                task.perInference(Math.round((double) base.macsPerInference() * result.macs() / Math.max(1, result.denseMacs()))),
                base.acsPerInference(), Math.round(inf.macsPerInference()), inf.analyticJoulesPerInference(), latency,
                base.stateFloats(), base.stateKind(), (System.nanoTime() - wallStart) / 1e9);
    }
}
