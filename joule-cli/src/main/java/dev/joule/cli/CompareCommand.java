package dev.joule.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.UnknownModelException;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.TrackerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule compare}: trains several models for the same time budget and compares accuracy and energy. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train each model for the same time budget on a task, then compare accuracy (or bits per character), "
                + "training energy, energy per inference (measured and analytic 45 nm), latency and state memory.",
            "Without flags: fashion-mnist, models " + "transformer,lstm,gru,mingru,mamba,snn,csnn (those registered), 100 s each.",
            "Progress goes to stderr; the table (or with --json one JSON object) to stdout; --out DIR also writes "
                + "compare.json, compare.csv and compare.html (table and Pareto plot)."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", defaultValue = "fashion-mnist", paramLabel = "TASK",
            description = "fashion-mnist (default), char-lm (bits per character), copy (selective copying), recall (associative recall).")
    String task;

    @Option(names = "--models", split = ",", paramLabel = "A,B,...",
            description = "Models to compare (default per task, see docs/compare.md): ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModelNames.class)
    List<String> models;

    @Option(names = "--budget", converter = DurationConverter.class,
            description = "Training time per model, e.g. 20s, 2m (default: fashion-mnist 100s, char-lm 5m, copy/recall 30s).")
    Duration budget;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate for every model (default: per architecture).")
    Float lr;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--corpus", paramLabel = "FILE", description = "UTF-8 text for char-lm (default: the fortunes package's text).")
    Path corpus;

    @Option(names = "--context", defaultValue = "128", paramLabel = "T", description = "char-lm context length (default ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N examples only (characters for char-lm).")
    Integer limit;

    @Option(names = "--batch", paramLabel = "B", description = "Training batch size (fashion-mnist 128, token tasks 32).")
    Integer batch;

    @Option(names = "--min-infer-seconds", defaultValue = "1", paramLabel = "S",
            description = "Run inference over the evaluation batches until the measured window lasts S seconds, so it "
                    + "spans several meter samples (default ${DEFAULT-VALUE}; 0: one batch).")
    double minInferSeconds;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of initialisation and shuffling (default 0).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--interval", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Energy sampling interval (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--compress", arity = "0..1", fallbackValue = CompressedComparison.DEFAULT, paramLabel = "SPEC",
            description = "Also compress each trained model and add it to the table and frontier: PRUNE+SCHEME, e.g. "
                    + "0.5:structured+int8 (the default), int8, 0.5:2:4+int8-weight. Fashion-mnist fine-tunes "
                    + CompressedComparison.FINE_TUNE_STEPS + " steps after pruning; token tasks quantize only.")
    String compress;

    @Option(names = "--out", paramLabel = "DIR", description = "Write compare.json, compare.csv and compare.html here.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        TaskData.checkName(task);
        List<String> chosen = models != null ? models : CompareDefaults.models(task);
        Duration perModel = budget != null ? budget : CompareDefaults.budget(task);
        validate(chosen);
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        int trainBatch = batch != null ? batch : CompareDefaults.batch(task);
        CompareTask data = CompareTask.load(new TaskData.Options(task, dataDir, corpus, limit, trainBatch, context, seed));
        checkSupported(chosen, data);
        PrintWriter err = spec.commandLine().getErr();
        ModelComparison comparison = new ModelComparison(data, perModel, minInferSeconds, seed);
        List<CompareRow> rows = new ArrayList<>();
        dev.joule.compress.CompressionSpec compressSpec = compress == null ? null : compressSpec(data);
        String meter;
        try (EnergyRun run = EnergyTracker.start("compare", TrackerConfig.defaults().withSampleInterval(interval))) {
            for (int i = 0; i < chosen.size(); i++) {
                String name = chosen.get(i);
                float peak = lr != null ? lr : CompareDefaults.learningRate(name, task);
                err.printf(java.util.Locale.ROOT, "compare: %s (%d/%d): training for %s s at peak lr %s...%n", name, i + 1,
                        chosen.size(), perModel.toMillis() / 1000.0, peak);
                err.flush();
                ModelComparison.Trained trained = comparison.run(name, peak, run);
                CompareRow row = trained.row();
                err.printf(java.util.Locale.ROOT, "compare: %s: %d steps, %s, %.1f s in all%n", name, row.steps(),
                        row.hasBpc() ? String.format(java.util.Locale.ROOT, "%.3f bpc", row.bpc())
                                : String.format(java.util.Locale.ROOT, "accuracy %.2f %%", 100 * row.accuracy()), row.wallSeconds());
                err.flush();
                rows.add(row);
                if (compress != null) {
                    err.printf(java.util.Locale.ROOT, "compare: %s: compressing (%s)...%n", name, compress);
                    err.flush();
                    CompareRow c = new CompressedComparison(data, minInferSeconds, seed).run(trained, compressSpec, compress, run);
                    err.printf(java.util.Locale.ROOT, "compare: %s: accuracy %.2f %%, %.3fx the f32 energy per inference%n", c.model(),
                            100 * c.accuracy(), c.joulesPerInference() / row.joulesPerInference());
                    err.flush();
                    rows.add(c);
                }
            }
            meter = run.end().totalSources();
        }
        ObjectNode settings = settings(data, chosen, perModel, trainBatch, meter);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(CompareOutput.json(rows, settings));
        } else {
            CompareOutput.table(stdout, rows, settings);
        }
        if (out != null) {
            CompareOutput.writeAll(out, rows, settings);
            if (!json) {
                stdout.println("written: " + out.resolve("compare.html") + " (with compare.json, compare.csv)");
            }
        }
        stdout.flush();
        return 0;
    }

    private void validate(List<String> chosen) {
        if (chosen.isEmpty()) {
            throw new UsageException("no models to compare: none of the default models for " + task
                    + " is registered; pass --models (known: " + String.join(", ", ModelRegistry.names()) + ")");
        }
        for (String m : chosen) {
            if (!ModelRegistry.names().contains(m)) {
                throw new UsageException("unknown model '" + m + "'; known models: " + String.join(", ", ModelRegistry.names()));
            }
        }
        if (limit != null && limit <= 0 || batch != null && batch <= 0 || context <= 0 || minInferSeconds < 0) {
            throw new UsageException("--limit, --batch and --context must be positive, --min-infer-seconds >= 0");
        }
        if (lr != null && !(lr > 0)) {
            throw new UsageException("--lr must be positive, got " + lr);
        }
    }

    /** Builds every model once before any training, so an unsupported one fails in a second, not after an hour. */
    private void checkSupported(List<String> chosen, CompareTask data) {
        Map<String, String> unsupported = new LinkedHashMap<>();
        for (String m : chosen) {
            try {
                ModelRegistry.create(data.config(m), seed);
            } catch (UnknownModelException e) {
                unsupported.put(m, e.getMessage());
            }
        }
        if (!unsupported.isEmpty()) {
            List<String> usable = ModelRegistry.names().stream().filter(n -> supports(n, data)).toList();
            throw new UsageException("model(s) " + String.join(", ", unsupported.keySet()) + " do not support task '" + task
                    + "' (" + unsupported.values().iterator().next() + "); models for " + task + ": " + String.join(", ", usable));
        }
    }

    private boolean supports(String model, CompareTask data) {
        try {
            ModelConfig cfg = data.config(model);
            ModelRegistry.create(cfg, seed);
            return true;
        } catch (UnknownModelException e) {
            return false;
        }
    }

    private dev.joule.compress.CompressionSpec compressSpec(CompareTask data) {
        try {
            return CompressedComparison.spec(compress, data, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--compress " + compress + ": " + e.getMessage());
        }
    }

    private ObjectNode settings(CompareTask data, List<String> chosen, Duration perModel, int trainBatch, String meter) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("task", task);
        data.data().json().fields().forEachRemaining(f -> {
            if (!f.getKey().equals("name") && !f.getKey().equals("vocabulary")) {
                o.set(f.getKey(), f.getValue());
            }
        });
        if (data.charLm() && !o.hasNonNull("corpus")) {
            o.put("corpus", dev.joule.data.CharCorpus.FORTUNES_DIR.toString());
        }
        o.put("models", String.join(",", chosen));
        o.put("budgetSeconds", perModel.toMillis() / 1000.0).put("schedule", "time-budget warm-up "
                + Math.round(100 * CompareDefaults.WARMUP_FRACTION) + " % + cosine to "
                + Math.round(100 * CompareDefaults.FINAL_LR_FRACTION) + " % of peak");
        o.put("batch", trainBatch).put("minInferSeconds", minInferSeconds).put("seed", seed);
        o.put("inferenceUnit", data.inferenceUnit()).put("latencyUnit", data.latencyUnit());
        o.put("metric", data.charLm() ? "bpc" : "accuracy");
        o.put("threads", Parallel.threads()).put("meter", meter);
        return o;
    }
}
