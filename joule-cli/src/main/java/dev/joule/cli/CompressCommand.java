package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.compress.CompressionResult;
import dev.joule.compress.dynamic.EarlyExitReport;
import dev.joule.compress.CompressionSpec;
import dev.joule.compress.Compressor;
import dev.joule.compress.PruneSpec;
import dev.joule.compress.quant.Calibration;
import dev.joule.compress.quant.QuantScheme;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.TrackerConfig;
import dev.joule.kernel.Parallel;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code joule compress}: prune and/or quantize a checkpoint, fine-tune it, pick the fastest kernel for each
 * layer, save the compressed checkpoint, and report per layer what was stored and what runs, with the
 * accuracy, size, latency and energy per inference before and after, measured side by side.
 */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Prune and/or quantize a checkpoint; report accuracy, size, latency and J/inference before and after.")
final class CompressCommand implements Callable<Integer> {
    /**
     * About two passes over Fashion-MNIST at batch 64. On the 8-epoch transformer, 50 % structured + int8 lost
     * 4.1 points after 600 steps at 3e-4 and 0.26 after 2000 steps at a 2e-3 cosine peak (docs/compression.md).
     */
    static final long DEFAULT_FINE_TUNE_STEPS = 2000;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "f32 checkpoint written by joule train.")
    Path checkpoint;

    @Option(names = "--prune", paramLabel = "SPEC",
            description = "FRACTION[:unstructured|global|structured|2:4], e.g. 0.5:structured (default structure: unstructured).")
    String prune;

    @Option(names = "--quantize", paramLabel = "SCHEME",
            description = "int8 (= w8a8: int8 weights, int8 activations per row), w8a8-static, int8-weight, int4 (= int4-weight).")
    String quantize;

    @Option(names = "--calibration", defaultValue = "min-max", paramLabel = "METHOD",
            description = "Static activation scales for w8a8-static: min-max, mse or percentile:99.9 (default ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--mse-clip", description = "Clip each weight row to its MSE-optimal range before quantizing.")
    boolean mseClip;

    @Option(names = "--fine-tune-steps", paramLabel = "N",
            description = "Fine-tuning steps after pruning, masks kept (default 2000 when pruning; 0 turns it off).")
    Long fineTuneSteps;

    @Option(names = "--gradual", description = "Raise the sparsity gradually over the fine-tuning (Zhu & Gupta cubic schedule).")
    boolean gradual;

    @Option(names = "--qat", description = "Quantization-aware training before quantizing (fake-quant with the kernels' rounding).")
    boolean qat;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "1",
            description = "QAT length in passes over the training set (default ${DEFAULT-VALUE}).")
    double qatEpochs;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-3",
            description = "Peak fine-tuning and QAT learning rate, warm-up then cosine decay (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--max-accuracy-drop", paramLabel = "POINTS",
            description = "Keep the most quantization-sensitive layers in f32 until accuracy drops at most this many points.")
    Double maxAccuracyDrop;

    @Option(names = "--early-exit", description = "Add exit heads after each transformer block with calibrated confidence thresholds.")
    boolean earlyExit;

    @Option(names = "--exit-budget", paramLabel = "POINTS", defaultValue = "0.5",
            description = "Accuracy the exits may lose on held-out training images, in points (default ${DEFAULT-VALUE}).")
    double exitBudget;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the compressed checkpoint here (default: CHECKPOINT-compressed).")
    Path out;

    @Option(names = "--min-infer-seconds", defaultValue = "2", paramLabel = "S",
            description = "Length of each energy window of the before/after measurement (default ${DEFAULT-VALUE}).")
    double minInferSeconds;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Before/after measurement rounds, alternating; medians are reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--interval", defaultValue = "100ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Energy meter sample interval (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of fine-tuning's shuffling (default 0).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (rounds < 1) {
            throw new UsageException("--rounds must be >= 1, got " + rounds);
        }
        LoadedCheckpoint base = LoadedCheckpoint.load(checkpoint);
        if (base.compressed()) {
            throw new UsageException(checkpoint + " is already compressed; compress the f32 checkpoint it came from ("
                    + base.checkpoint().config().path("compression").path("report").path("source").asText("see its config.json") + ")");
        }
        LoadedCheckpoint work = LoadedCheckpoint.load(checkpoint);
        CompressInputs inputs = CompressInputs.of(base.checkpoint().task(), CompressReport.EVAL_BATCH);
        Path target = out != null ? out : checkpoint.resolveSibling(checkpoint.getFileName() + "-compressed");
        CompressionSpec cs = spec(inputs);
        PrintWriter stdout = spec.commandLine().getOut();
        ObjectNode json = Checkpoints.json().createObjectNode();
        try (EnergyRun run = EnergyTracker.start("compress", TrackerConfig.defaults().withSampleInterval(interval))) {
            if (cs != null) {
                CompressionResult result = Compressor.compress(work.model(), cs, inputs.data());
                CompressedFiles.save(target, work, result, cs);
                // Reported figures: the task's held-out split, and energy measured side by side.
                Metrics before = Evaluator.evaluate(base.model(), inputs.eval().eval());
                Metrics after = Evaluator.evaluate(work.model(), inputs.eval().eval());
                InferenceMeasure measure = new InferenceMeasure(new CompareTask(inputs.eval()), minInferSeconds);
                CompressReport.Side[] sides = CompressReport.measureSideBySide(run, measure, base.model(), work.model(), rounds);
                CompressReport report = new CompressReport(base.config().architecture(), inputs.eval(), cs, result, before, after,
                        sides[0], sides[1], rounds, CompressedFiles.modelBytes(checkpoint), CompressedFiles.modelBytes(target), target);
                json = report.json();
                CompressedFiles.writeReport(target, json);
                if (!this.json) {
                    report.print(stdout, false);
                }
            } else {
                EarlyExitStep.copyCheckpoint(base, target);
            }
            if (earlyExit) {
                EarlyExitReport ee = EarlyExitStep.run(work.model(), inputs, target, exitBudget, rounds, run);
                json.set("earlyExit", ee.toJson());
                CompressedFiles.writeReport(target, json);
                if (!this.json) {
                    stdout.println("early exit (exit heads and thresholds saved in " + target + "):");
                    ee.describe().forEach(stdout::println);
                }
            }
        }
        if (this.json) {
            json.put("out", target.toAbsolutePath().toString());
            stdout.println(json.toString());
        }
        stdout.flush();
        return 0;
    }

    private CompressionSpec spec(CompressInputs inputs) {
        PruneSpec p;
        QuantScheme q;
        Calibration cal;
        try {
            p = prune == null ? null : PruneSpec.parse(prune);
            q = quantize == null ? null : scheme(quantize);
            cal = Calibration.parse(calibration);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (p == null && q == null) {
            if (earlyExit) {
                return null;
            }
            throw new UsageException("joule compress needs --prune, --quantize, --early-exit or a mix, e.g. --prune 0.5:structured --quantize int8");
        }
        long ft = fineTuneSteps != null ? fineTuneSteps : (p != null ? DEFAULT_FINE_TUNE_STEPS : 0);
        long qatSteps = 0;
        if (qat) {
            if (q == null) {
                throw new UsageException("--qat trains for a quantization scheme: give --quantize too");
            }
            qatSteps = Math.max(1, Math.round(qatEpochs * trainSize(inputs) / (double) CompressReport.TRAIN_BATCH));
        }
        if ((ft > 0 || qatSteps > 0) && !inputs.canTrain()) {
            throw new UsageException("fine-tuning and QAT need a training set; compress supports them on fashion-mnist."
                    + " On this task use --fine-tune-steps 0 without --qat (post-training compression)");
        }
        try {
            return new CompressionSpec(p, q, cal, mseClip, ft, gradual, qatSteps, learningRate,
                    maxAccuracyDrop == null ? Double.NaN : maxAccuracyDrop, CompressReport.EVAL_BATCH, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int trainSize(CompressInputs inputs) {
        return inputs.train() == null ? 0 : inputs.train().size();
    }

    static QuantScheme scheme(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "int8" -> QuantScheme.W8A8;
            case "int4" -> QuantScheme.INT4_WEIGHT;
            default -> QuantScheme.parse(name.toLowerCase(Locale.ROOT));
        };
    }
}
