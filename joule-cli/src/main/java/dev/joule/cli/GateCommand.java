package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.TrackerConfig;
import dev.joule.kernel.Parallel;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import dev.joule.train.TaskKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code joule gate}: an accuracy-and-energy check for CI pipelines. It evaluates a checkpoint (plain or
 * compressed) on its task's full held-out split, measures its energy per inference the way
 * {@code joule compare} does, and exits 1 naming every limit that was missed. An estimated energy figure
 * is gated like a measured one, and the output says which it was; {@code --require-measured} fails
 * a run whose energy is only an estimate.
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Exit 1 when a checkpoint misses an accuracy or energy limit (for CI pipelines).")
final class GateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "Checkpoint directory (joule train or joule compress).")
    Path checkpoint;

    @Option(names = "--min-accuracy", paramLabel = "A", description = "Lowest accepted accuracy, a fraction (0.85 = 85 %%).")
    Double minAccuracy;

    @Option(names = "--max-bpc", paramLabel = "B", description = "Highest accepted bits per character (char-lm).")
    Double maxBpc;

    @Option(names = "--max-joules-per-inference", paramLabel = "J",
            description = "Highest accepted energy per inference (an image, or a token), in joules (3e-3 = 3 mJ).")
    Double maxJoules;

    @Option(names = "--require-measured", description = "Fail when the energy figure is an estimate rather than a hardware measurement.")
    boolean requireMeasured;

    @Option(names = "--min-infer-seconds", defaultValue = "2", paramLabel = "S",
            description = "Run inference at least this long for the energy figure (default ${DEFAULT-VALUE}).")
    double minInferSeconds;

    @Option(names = "--interval", defaultValue = "100ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Energy meter sample interval (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() {
        if (minAccuracy == null && maxBpc == null && maxJoules == null && !requireMeasured) {
            throw new UsageException("joule gate needs at least one limit: --min-accuracy, --max-bpc or --max-joules-per-inference");
        }
        if (minAccuracy != null && (minAccuracy < 0 || minAccuracy > 1)) {
            throw new UsageException("--min-accuracy is a fraction between 0 and 1 (0.85 = 85 %), got " + minAccuracy);
        }
        if (maxJoules != null && !(maxJoules > 0)) {
            throw new UsageException("--max-joules-per-inference must be > 0 joules, got " + maxJoules);
        }
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        LoadedCheckpoint loaded = LoadedCheckpoint.load(checkpoint);
        TaskData data = TaskData.forEvaluation(loaded.checkpoint().task());
        loaded.model().setTraining(false);
        Metrics m = Evaluator.evaluate(loaded.model(), data.eval());
        CompareTask task = new CompareTask(data);
        InferenceMeasure.Result inf;
        try (EnergyRun run = EnergyTracker.start("gate", TrackerConfig.defaults().withSampleInterval(interval))) {
            InferenceMeasure measure = new InferenceMeasure(task, minInferSeconds);
            measure.measure(run, "warm-up", loaded.model());
            inf = measure.measure(run, "gate", loaded.model());
        }
        String source = inf.report().totalSources() + (inf.report().anyEstimate() ? ", estimate" : ", measured");
        List<String> failures = failures(m, data.kind(), inf);
        print(loaded, data, m, task, inf, source, failures);
        return failures.isEmpty() ? 0 : 1;
    }

    private List<String> failures(Metrics m, TaskKind kind, InferenceMeasure.Result inf) {
        List<String> out = new ArrayList<>();
        if (minAccuracy != null && !(m.accuracy() >= minAccuracy)) {
            out.add(String.format(Locale.ROOT, "accuracy %.2f %% is below the minimum %.2f %%", 100 * m.accuracy(), 100 * minAccuracy));
        }
        if (maxBpc != null) {
            if (kind != TaskKind.LANGUAGE_MODEL) {
                throw new UsageException("--max-bpc applies to token tasks; this checkpoint's task is a classification");
            }
            if (!(m.bitsPerTarget() <= maxBpc)) {
                out.add(String.format(Locale.ROOT, "%.3f bits per character is above the maximum %.3f", m.bitsPerTarget(), maxBpc));
            }
        }
        double j = inf.joulesPerInference();
        if (maxJoules != null && !(j <= maxJoules)) {
            out.add(String.format(Locale.ROOT, "%s per inference (%s) is above the maximum %s",
                    EnergyFormat.joules(j), inf.report().totalSources(), EnergyFormat.joules(maxJoules)));
        }
        if (requireMeasured && inf.report().anyEstimate()) {
            out.add("the energy figure is an estimate (" + inf.report().totalSources()
                    + "), and --require-measured asks for a hardware counter (RAPL or NVML); run on a machine that has one");
        }
        return out;
    }

    private void print(LoadedCheckpoint loaded, TaskData data, Metrics m, CompareTask task, InferenceMeasure.Result inf,
                       String source, List<String> failures) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Checkpoints.json().createObjectNode();
            o.put("command", "gate").put("checkpoint", checkpoint.toAbsolutePath().toString());
            o.put("model", loaded.config().architecture()).put("task", data.name());
            o.put("accuracy", m.accuracy());
            if (data.kind() == TaskKind.LANGUAGE_MODEL) {
                o.put("bpc", m.bitsPerTarget());
            }
            o.put("joulesPerInference", inf.joulesPerInference()).put("inferenceUnit", task.inferenceUnit());
            o.put("energySource", inf.report().totalSources()).put("energyEstimate", inf.report().anyEstimate());
            o.put("passed", failures.isEmpty());
            ArrayNode f = o.putArray("failures");
            failures.forEach(f::add);
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "%s on %s: %s; %s per %s (%s)%n", loaded.config().architecture(), data.name(),
                    ProgressRenderer.describe(m, data.kind()), EnergyFormat.joules(inf.joulesPerInference()),
                    task.inferenceUnit(), source);
            if (failures.isEmpty()) {
                out.println("gate passed");
            } else {
                failures.forEach(f -> out.println("gate FAILED: " + f));
            }
        }
        out.flush();
    }
}
