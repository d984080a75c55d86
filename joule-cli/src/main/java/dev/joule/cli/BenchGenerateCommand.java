package dev.joule.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.NoGrad;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.energy.track.TrackerConfig;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.StepModel;
import dev.joule.models.StepState;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code joule bench-generate}: per-token cost of generation as the context grows. Each model is built untrained
 * for a character LM (seeded), steps through a random prompt of each context length, then generates tokens
 * greedily inside an energy window. A recurrent model's cost per token stays flat; the Transformer's grows with
 * its KV cache.
 */
@Command(name = "bench-generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generation benchmark: tokens/s, J/token, ms/token and state/KV memory of each model after "
                + "prompts of each context length (untrained char-LM models, greedy decoding, batch 1).",
            "Progress goes to stderr; the table (or with --json one JSON object) to stdout."})
final class BenchGenerateCommand implements Callable<Integer> {
    /** Printable ASCII and newline: the size of a typical character vocabulary. */
    static final int VOCAB = 96;
    /** Steps of the untimed pass per model that lets the JIT compile the step path before the first measurement. */
    private static final int WARMUP_STEPS = 512;

    @Spec
    CommandSpec spec;

    @Option(names = "--models", split = ",", paramLabel = "A,B,...",
            description = "Models to run (default: every registered model whose char-LM form can step).")
    List<String> models;

    @Option(names = "--contexts", split = ",", defaultValue = "64,512,2048", paramLabel = "N,N,...",
            description = "Prompt lengths before generation (default ${DEFAULT-VALUE}).")
    List<Integer> contexts;

    @Option(names = "--tokens", defaultValue = "64", paramLabel = "N", description = "Tokens generated per measurement (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--warmup", defaultValue = "8", paramLabel = "N", description = "Tokens generated before each measurement, not measured (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--min-seconds", defaultValue = "1", paramLabel = "S",
            description = "Repeat each measured generation (from the same prompt state) until its energy window lasts S "
                    + "seconds, so it spans several meter samples (default ${DEFAULT-VALUE}; 0: once).")
    double minSeconds;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of weights and prompts (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the cores).")
    Integer threads;

    @Option(names = "--interval", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Energy sampling interval (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON object to FILE.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object on stdout, nothing else.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        validate();
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        int maxContext = contexts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        // The Transformer's positions must reach the end of the longest prompt plus everything generated after it.
        int seqLen = maxContext + warmup + tokens;
        List<String> names = models != null ? models : steppable(seqLen);
        PrintWriter err = spec.commandLine().getErr();
        List<GenerationRow> rows = new ArrayList<>();
        String meter;
        try (EnergyRun run = EnergyTracker.start("bench-generate", TrackerConfig.defaults().withSampleInterval(interval))) {
            // Every model warms up before any is measured: the JIT compiles shared kernels in background threads
            // whose CPU time the CPU-time meter would otherwise charge to the first model's windows.
            Map<String, StepModel<?>> built = new LinkedHashMap<>();
            for (String name : names) {
                err.printf("bench-generate: %s: warm-up...%n", name);
                err.flush();
                StepModel<?> model = stepModel(name, seqLen);
                new Measurement<>(model, name, Math.min(WARMUP_STEPS, seqLen)).warmUp();
                built.put(name, model);
            }
            for (Map.Entry<String, StepModel<?>> e : built.entrySet()) {
                for (int context : contexts) {
                    err.printf("bench-generate: %s at context %d...%n", e.getKey(), context);
                    err.flush();
                    rows.add(new Measurement<>(e.getValue(), e.getKey(), context).run(run));
                }
            }
            meter = run.end().totalSources();
        }
        ObjectNode settings = settings(seqLen, meter);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(BenchGenerateOutput.json(rows, settings));
        } else {
            BenchGenerateOutput.table(stdout, rows, settings);
        }
        if (out != null) {
            CompareOutput.writeAtomically(out, BenchGenerateOutput.json(rows, settings).toPrettyString() + "\n");
            if (!json) {
                stdout.println("written: " + out);
            }
        }
        stdout.flush();
        return 0;
    }

    private void validate() {
        if (contexts.isEmpty() || contexts.stream().anyMatch(c -> c < 1) || tokens < 1 || warmup < 0 || minSeconds < 0) {
            throw new UsageException("--contexts must be positive lengths, --tokens >= 1, --warmup >= 0 and --min-seconds >= 0");
        }
        if (models != null) {
            for (String m : models) {
                if (!ModelRegistry.names().contains(m)) {
                    throw new UsageException("unknown model '" + m + "'; known models: " + String.join(", ", ModelRegistry.names()));
                }
            }
        }
    }

    /** The registered models whose char-LM form is a {@link StepModel}, the Transformer first. */
    private static List<String> steppable(int seqLen) {
        List<String> names = new ArrayList<>();
        for (String name : ModelRegistry.names()) {
            try {
                if (ModelRegistry.create(config(name, seqLen), 0) instanceof StepModel<?>) {
                    names.add(name);
                }
            } catch (RuntimeException e) {
                // Image-only models (mlp, cnn, ...) refuse the char-LM task: they cannot generate.
            }
        }
        names.sort((a, b) -> Boolean.compare(!a.equals("transformer"), !b.equals("transformer")));
        return names;
    }

    private StepModel<?> stepModel(String name, int seqLen) {
        Model m;
        try {
            m = ModelRegistry.create(config(name, seqLen), seed);
        } catch (RuntimeException e) {
            throw new UsageException("model '" + name + "' cannot be built as a char-LM: " + e.getMessage());
        }
        if (!(m instanceof StepModel<?> s)) {
            throw new UsageException("model '" + name + "' has no step form for generation; choose a sequence model");
        }
        s.setTraining(false);
        return s;
    }

    private static ModelConfig config(String name, int seqLen) {
        return ModelConfig.charLm(name, VOCAB, seqLen);
    }

    /** One model at one context: prefill, warm-up, then the measured generation. */
    private final class Measurement<S extends StepState> {
        private final StepModel<S> model;
        private final String name;
        private final int context;
        private int next;

        Measurement(StepModel<S> model, String name, int context) {
            this.model = model;
            this.name = name;
            this.context = context;
        }

        /** Untimed: {@code context} steps over a random prompt, so the measured passes run compiled code. */
        void warmUp() {
            try (NoGrad g = NoGrad.enter()) {
                prefill();
            }
        }

        /**
         * Steps through a random prompt of {@code context} tokens and {@code warmup} more, then, inside one energy
         * window, generates {@code tokens} tokens from a copy of that state, again from a fresh copy until the
         * window lasts --min-seconds. Only the steps are timed; the copies are inside the window (a memcpy of the
         * state, small against the steps).
         */
        GenerationRow run(EnergyRun energy) {
            try (NoGrad g = NoGrad.enter()) {
                long prefillStart = System.nanoTime();
                S prefilled = prefill();
                double prefillSeconds = (System.nanoTime() - prefillStart) / 1e9;
                long stateFloats = prefilled.floatsPerStream();
                for (int i = 0; i < warmup; i++) {
                    feed(prefilled, next);
                }
                int first = next;
                long[] stepNanos = new long[tokens];
                long[] medians = new long[64];
                long[] passNanos = new long[64];
                int passes = 0;
                long generationNanos = 0;
                EnergyReport report;
                try (EnergyWindow w = energy.window("generate-" + name + "-" + context)) {
                    long windowStart = System.nanoTime();
                    do {
                        S state = model.copyState(prefilled);
                        next = first;
                        long pass = 0;
                        for (int i = 0; i < tokens; i++) {
                            long t0 = System.nanoTime();
                            feed(state, next);
                            stepNanos[i] = System.nanoTime() - t0;
                            pass += stepNanos[i];
                        }
                        generationNanos += pass;
                        Arrays.sort(stepNanos);
                        if (passes == medians.length) {
                            medians = Arrays.copyOf(medians, passes * 2);
                            passNanos = Arrays.copyOf(passNanos, passes * 2);
                        }
                        passNanos[passes] = pass;
                        medians[passes++] = stepNanos[tokens / 2];
                    } while (System.nanoTime() - windowStart < minSeconds * 1e9);
                    report = w.end();
                }
                long[] m = Arrays.copyOf(medians, passes);
                Arrays.sort(m);
                long[] p = Arrays.copyOf(passNanos, passes);
                Arrays.sort(p);
                long total = (long) tokens * passes;
                return new GenerationRow(name, context, tokens, passes, stateFloats, prefilled.constantSize(),
                        prefillSeconds, generationNanos / 1e9, p[passes / 2] / 1e9, m[passes / 2] / 1e6, report.totalJoules() / total,
                        report.totalSources(), report.anyEstimate(), report.belowResolution());
            }
        }

        private S prefill() {
            S state = model.initialState(1);
            SplittableRandom rng = new SplittableRandom(seed + context);
            for (int i = 0; i < context; i++) {
                feed(state, rng.nextInt(VOCAB));
            }
            return state;
        }

        /** Steps one token and keeps the greedy choice for the next step. */
        private void feed(S state, int id) {
            Tensor logits = model.step(state, Tensor.of(new float[] {id}, 1)).value();
            next = argmax(logits.data(), logits.offset(), logits.cols());
        }
    }

    private static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[off + i] > a[off + best]) {
                best = i;
            }
        }
        return best;
    }


    private ObjectNode settings(int seqLen, String meter) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("vocabSize", VOCAB).put("seqLen", seqLen).put("tokens", tokens).put("warmup", warmup).put("seed", seed);
        contexts.forEach(o.putArray("contexts")::add);
        o.put("minSeconds", minSeconds).put("threads", Parallel.threads()).put("meter", meter).put("batch", 1).put("decoding", "greedy");
        return o;
    }
}
