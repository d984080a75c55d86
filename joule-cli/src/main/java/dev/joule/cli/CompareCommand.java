package dev.joule.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.NoGrad;
import dev.joule.data.Batch;
import dev.joule.data.FashionMnist;
import dev.joule.data.LabeledImages;
import dev.joule.data.ShuffledBatches;
import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.analytic.AnalyticMeter;
import dev.joule.energy.meter.analytic.OpCounts;
import dev.joule.energy.meter.analytic.OpEnergyTable;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.energy.track.InferenceEnergy;
import dev.joule.energy.track.TrackerConfig;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.tensor.OpCounter;
import dev.joule.train.EvalSets;
import dev.joule.train.Metrics;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingListener;
import dev.joule.train.TrainingPlan;
import dev.joule.train.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule compare}: trains several models for the same time budget and compares accuracy and energy. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train each model for the same time budget on fashion-mnist, then compare test accuracy, "
                + "training energy, energy per inference (measured and analytic 45 nm), latency and state memory.",
            "Progress goes to stderr; the table (or with --json one JSON object) to stdout."})
final class CompareCommand implements Callable<Integer> {
    private static final int EPOCHS_UPPER_BOUND = 1000;
    private static final int LATENCY_SAMPLES = 200;
    private static final int LATENCY_WARMUP = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--task", defaultValue = "fashion-mnist", paramLabel = "TASK", description = "Only fashion-mnist for now.")
    String task;

    @Option(names = "--models", required = true, split = ",", paramLabel = "A,B,...", description = "Models to compare: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModelNames.class)
    List<String> models;

    @Option(names = "--budget", defaultValue = "60s", converter = DurationConverter.class,
            description = "Training time per model (default ${DEFAULT-VALUE}), e.g. 20s, 2m.")
    Duration budget;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--batch", defaultValue = "128", paramLabel = "B", description = "Training batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--infer-batch", defaultValue = "256", paramLabel = "N",
            description = "Batch size of the measured inference pass over the test split (default ${DEFAULT-VALUE}).")
    int inferBatch;

    @Option(names = "--min-infer-seconds", defaultValue = "1", paramLabel = "S",
            description = "Repeat the inference pass until its window lasts S seconds, so it spans several meter "
                    + "samples (default ${DEFAULT-VALUE}; 0: one pass).")
    double minInferSeconds;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of initialisation and shuffling (default 0).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--interval", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Energy sampling interval (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--out", paramLabel = "DIR", description = "Write compare.json and compare.csv here.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        validate();
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Path dir = dataDir == null ? FashionMnist.DEFAULT_DIR : dataDir;
        FashionMnist data = FashionMnist.load(dir);
        LabeledImages train = limit == null ? data.train() : data.train().limit(limit);
        LabeledImages test = data.test();
        PrintWriter err = spec.commandLine().getErr();
        List<CompareRow> rows = new ArrayList<>();
        String meter;
        try (EnergyRun run = EnergyTracker.start("compare", TrackerConfig.defaults().withSampleInterval(interval))) {
            for (String name : models) {
                err.printf("compare: %s: training for %s s...%n", name, budget.toMillis() / 1000.0);
                err.flush();
                rows.add(compareOne(name, run, train, test));
            }
            meter = sources(run.end());
        }
        ObjectNode settings = settings(dir, meter);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(CompareOutput.json(rows, settings));
        } else {
            CompareOutput.table(stdout, rows, settings);
        }
        if (out != null) {
            CompareOutput.writeAtomically(out.resolve("compare.json"), CompareOutput.json(rows, settings).toPrettyString() + "\n");
            CompareOutput.writeAtomically(out.resolve("compare.csv"), CompareOutput.csv(rows));
            if (!json) {
                stdout.println("written: " + out.resolve("compare.json") + ", " + out.resolve("compare.csv"));
            }
        }
        stdout.flush();
        return 0;
    }

    private void validate() {
        if (!task.equals("fashion-mnist")) {
            throw new UsageException("joule compare supports --task fashion-mnist only for now, got '" + task + "'");
        }
        for (String m : models) {
            if (!ModelRegistry.names().contains(m)) {
                throw new UsageException("unknown model '" + m + "'; known models: " + String.join(", ", ModelRegistry.names()));
            }
        }
        if (limit != null && limit <= 0 || batch <= 0 || inferBatch <= 0 || minInferSeconds < 0) {
            throw new UsageException("--limit, --batch and --infer-batch must be positive, --min-infer-seconds >= 0");
        }
    }

    private CompareRow compareOne(String name, EnergyRun run, LabeledImages train, LabeledImages test) {
        ModelConfig cfg = ModelConfig.defaults(name, task, FashionMnist.SIDE, FashionMnist.SIDE, 0, FashionMnist.NUM_CLASSES);
        Model net = ModelRegistry.create(cfg, seed);
        ShuffledBatches batches = new ShuffledBatches(train, batch, seed);
        RunSettings s = RunSettings.fromFlags(name, task, null, null, limit, batch, null, null, seed, EPOCHS_UPPER_BOUND,
                null, 0L, 0L).withBatchesPerEpoch(batches.batchesPerEpoch());
        TrainingPlan plan = new TrainingPlan(s.totalSteps(), 0, 0, s.gradClip(), 0f);
        Trainer trainer = new Trainer(net, s.newOptimizer(net.namedParameters()), s.newSchedule(), batches,
                EvalSets.inOrder(test, 500), plan, seed);
        long budgetNanos = budget.toNanos();
        trainer.listener(new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.elapsedNanos() >= budgetNanos) {
                    trainer.requestStop();
                }
            }
        });
        TrainingResult result;
        EnergyReport trainEnergy;
        try (EnergyWindow w = run.window("train-" + name)) {
            result = trainer.run();
            trainEnergy = w.end();
        }
        Metrics metrics = result.stoppedEarly() || result.finalMetrics() == null ? trainer.evaluate() : result.finalMetrics();
        net.setTraining(false);
        Inference inf = measureInference(name, run, net, test);
        double latency = p50LatencyMillis(net, test);
        long state = ModelFacts.of(name, cfg, net).stateFloats();
        return new CompareRow(name, net.parameterCount(), metrics.accuracy(), result.state().step(), result.trainSeconds(),
                trainEnergy.totalJoules(), sources(trainEnergy), trainEnergy.anyEstimate(),
                inf.energy().joulesPerInference(), sources(inf.report()), inf.report().anyEstimate(),
                inf.report().belowResolution(), inf.energy().inferences(), net.macsPerInference(),
                inf.ops().macs() / inf.energy().inferences(), inf.analyticJoules() / inf.energy().inferences(), latency, state);
    }

    private record Inference(InferenceEnergy energy, EnergyReport report, OpCounter.Totals ops, double analyticJoules) {}

    /**
     * Whole passes over the test split under no-grad, inside their own energy window and op-count region,
     * repeated until the window lasts --min-infer-seconds (a short window is below the meter's resolution).
     */
    private Inference measureInference(String name, EnergyRun run, Model net, LabeledImages test) {
        int n = 0;
        EnergyReport report;
        OpCounter.Totals ops;
        long minNanos = (long) (minInferSeconds * 1e9);
        try (NoGrad g = NoGrad.enter(); EnergyWindow w = run.window("infer-" + name); OpCounter.Region r = OpCounter.open()) {
            long start = System.nanoTime();
            do {
                for (int from = 0; from < test.size(); from += inferBatch) {
                    int to = Math.min(test.size(), from + inferBatch);
                    net.forward(test.batch(range(from, to)).inputs());
                }
                n += test.size();
            } while (System.nanoTime() - start < minNanos);
            ops = r.work();
            report = w.end();
        }
        OpCounts counts = new OpCounts(ops.macs(), 0, ops.flops(), ops.bytes(), 0, OpCounts.Precision.FP32);
        double analytic = new AnalyticMeter(OpEnergyTable.horowitz45nm(), Component.CPU).joules(counts);
        return new Inference(InferenceEnergy.of(report, n), report, ops, analytic);
    }

    /** Median wall time of one image at batch 1, after a short warm-up so the JIT has compiled the path. */
    private static double p50LatencyMillis(Model net, LabeledImages test) {
        long[] nanos = new long[LATENCY_SAMPLES];
        try (NoGrad g = NoGrad.enter()) {
            for (int i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
                Batch one = test.batch(new int[] {i % test.size()});
                long start = System.nanoTime();
                net.forward(one.inputs());
                if (i >= LATENCY_WARMUP) {
                    nanos[i - LATENCY_WARMUP] = System.nanoTime() - start;
                }
            }
        }
        Arrays.sort(nanos);
        return nanos[LATENCY_SAMPLES / 2] / 1e6;
    }

    private static int[] range(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return idx;
    }

    /** The distinct sources of the components summed into a report's total, e.g. {@code rapl-pkg+model-cpu-time}. */
    private static String sources(EnergyReport report) {
        TreeSet<String> names = new TreeSet<>();
        for (ComponentEnergy c : report.components().values()) {
            if (c.component().summedIntoTotal()) {
                names.add(c.source());
            }
        }
        return names.isEmpty() ? "none" : String.join("+", names);
    }

    private ObjectNode settings(Path dir, String meter) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("task", task).put("data", dir.toAbsolutePath().toString()).put("budgetSeconds", budget.toMillis() / 1000.0);
        o.put("trainImages", limit).put("batch", batch).put("inferBatch", inferBatch).put("minInferSeconds", minInferSeconds).put("seed", seed);
        o.put("threads", Parallel.threads()).put("meter", meter);
        return o;
    }
}
