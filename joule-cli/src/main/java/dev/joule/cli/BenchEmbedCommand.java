package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.energy.track.TrackerConfig;
import dev.joule.kernel.Parallel;
import dev.joule.onnx.embed.EmbedBenchmark;
import dev.joule.onnx.embed.EmbedThroughput;
import dev.joule.onnx.embed.FortuneSentences;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.Pooling;
import dev.joule.onnx.embed.SentenceEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code joule bench-embed}: all-MiniLM-L6-v2 on Joule and on ONNX Runtime, same sentences, same
 * thread count, one process; sentences per second, CPU time and energy per sentence (each timed pass
 * in its own energy window) and the cosine between the two engines' embeddings.
 */
@Command(name = "bench-embed", mixinStandardHelpOptions = true,
        description = "Sentence-embedding throughput of Joule and ONNX Runtime side by side (all-MiniLM-L6-v2, fortunes sentences).")
final class BenchEmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sentences", paramLabel = "N", defaultValue = "200", description = "Fortunes sentences to embed per run (default 200).")
    int sentences;

    @Option(names = "--batch", paramLabel = "B", split = ",", defaultValue = "1,32", description = "Batch sizes (default 1,32).")
    List<Integer> batches;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "2", description = "Threads for both engines (default 2).")
    int threads;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--variants", paramLabel = "V", split = ",",
            description = "Joule variants to compare with ONNX Runtime's f32 and -q int8 models: f32, f32-unpacked, int8 (W8A8),"
                    + " int8-weight, int4-weight, prunedP (P %% of FFN channels), headsP (P %% of attention heads per layer;"
                    + " headsP-global, headsP-ablation: P %% of all heads, wherever least active or least missed), joined by '+' (int8-weight+pruned25, int8+heads25+pruned25);"
                    + " adds fidelity to Joule f32 (cosine, top-10 retrieval agreement).")
    List<String> variants;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Untimed passes over all the sentences per encoder and batch: one, and with --variants or --paired more until this long has passed (default 3).")
    double warmupSeconds;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "5",
            description = "With --variants: every encoder is loaded at once and, at each batch size, timed in R interleaved rounds"
                    + " (round r: batches r, r + R, ...; the encoder going first rotating), so all meet the same phases of a"
                    + " shared machine; 1 times each encoder's whole pass in turn (default 5).")
    int rounds;

    @Option(names = "--no-onnxruntime", description = "With --variants: time Joule's variants only (fidelity still against Joule f32).")
    boolean noOnnxRuntime;

    @Option(names = "--paired", paramLabel = "ROUNDS",
            description = "With one --variants V: Joule V and its ONNX Runtime counterpart (f32: the f32 model; otherwise the -q int8 model)"
                    + " loaded together and timed in ROUNDS alternating rounds over slices of the sentences; prints the median"
                    + " per-round speed ratio, which a shared machine's slow phases do not skew (wall time only, no energy).")
    Integer pairedRounds;

    @Override
    public Integer call() throws IOException {
        if (sentences < 1 || threads < 1 || batches.stream().anyMatch(b -> b < 1)) {
            throw new UsageException("--sentences, --threads and every --batch must be at least 1");
        }
        if (rounds < 1) {
            throw new UsageException("--rounds must be at least 1, got " + rounds);
        }
        if (!(warmupSeconds >= 0)) {
            throw new UsageException("--warmup must be at least 0 seconds, got " + warmupSeconds);
        }
        List<String> text = FortuneSentences.read(sentences);
        if (text.size() < sentences) {
            throw new UsageException("found " + text.size() + " fortunes sentences in " + FortuneSentences.DIR
                    + ", need " + sentences + "; install them with: apt-get install fortunes");
        }
        Parallel.setThreads(threads);
        if (pairedRounds != null) {
            return runPaired(text);
        }
        if (variants != null && !variants.isEmpty()) {
            return runVariants(text);
        }
        List<EmbedThroughput> results = new ArrayList<>();
        List<EnergyReport> energy = new ArrayList<>();
        List<MemorySampler.Peak> memory = new ArrayList<>();
        double[] cosine = {1, 0};
        try (EnergyRun run = EnergyTracker.start("bench-embed", TrackerConfig.defaults());
             SentenceEncoder joule = MiniLm.joule(); SentenceEncoder ort = MiniLm.onnxRuntime(threads)) {
            for (int batch : batches) {
                List<float[]> a = new ArrayList<>();
                List<float[]> b = new ArrayList<>();
                measure(run, joule, text, batch, a, results, energy, memory);
                measure(run, ort, text, batch, b, results, energy, memory);
                for (int i = 0; i < a.size(); i++) {
                    double c = Pooling.cosine(a.get(i), b.get(i));
                    cosine[0] = Math.min(cosine[0], c);
                    cosine[1] += c / (a.size() * batches.size());
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, results, energy, memory, cosine);
        } else {
            out.printf(Locale.ROOT, "all-MiniLM-L6-v2, %d fortunes sentences, %d threads each%n", sentences, threads);
            out.printf(Locale.ROOT, "%-12s %6s %14s %16s %14s %13s %13s %12s  %s%n", "engine", "batch", "sentences/s",
                    "CPU ms/sentence", "mJ/sentence", "peak heap MB", "live heap MB", "peak RSS MB", "energy source");
            for (int i = 0; i < results.size(); i++) {
                EmbedThroughput t = results.get(i);
                EnergyReport e = energy.get(i);
                MemorySampler.Peak m = memory.get(i);
                out.printf(Locale.ROOT, "%-12s %6d %14.1f %16.2f %14.2f %13.0f %13s %12.0f  %s%n", t.engine(), t.batch(),
                        t.sentencesPerSecond(), t.cpuSecondsPerSentence() * 1e3, e.totalJoules() / t.sentences() * 1e3,
                        m.peakHeapBytes() / 1e6, m.peakLiveHeapBytes() < 0 ? "no GC" : String.format(Locale.ROOT, "%.0f",
                        m.peakLiveHeapBytes() / 1e6), m.peakRssBytes() / 1e6, e.totalSources() + (e.anyEstimate() ? " (estimate)" : ""));
            }
            out.printf(Locale.ROOT, "peak heap: JVM heap in use during the pass (Joule's weights and activations, garbage "
                    + "included; both models stay loaded); live heap: the most in use just after a GC in the pass; peak RSS: the whole process's resident memory during the pass "
                    + "(ONNX Runtime's native arena included); process peak RSS (VmHWM, or a higher sample): %.0f MB%n",
                    MemorySampler.processPeakRssBytes(memory) / 1e6);
            out.printf(Locale.ROOT, "cosine joule vs onnxruntime: mean %.7f, min %.7f%n", cosine[1], cosine[0]);
        }
        out.flush();
        return 0;
    }

    private Integer runPaired(List<String> text) throws IOException {
        if (variants == null || variants.size() != 1) {
            throw new UsageException("--paired compares one Joule variant with ONNX Runtime: give exactly one --variants, e.g."
                    + " --variants int8 --paired 10");
        }
        if (pairedRounds < 2 || pairedRounds > sentences) {
            throw new UsageException("--paired needs 2 to --sentences (" + sentences + ") rounds, got " + pairedRounds);
        }
        dev.joule.onnx.compress.EncoderVariant variant;
        try {
            variant = dev.joule.onnx.compress.EncoderVariant.parse(variants.get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        BenchEmbedPaired b = BenchEmbedPaired.run(variant, text, batches, threads, pairedRounds, warmupSeconds);
        return print(b::printJson, b::printTable);
    }

    /** How a result prints itself: to {@code out}, for {@code sentences} and {@code threads}. */
    @FunctionalInterface
    private interface Printer {
        void print(PrintWriter out, int sentences, int threads) throws IOException;
    }

    /** Prints with {@code asJson} under --json, {@code asTable} otherwise; exit code 0. */
    private Integer print(Printer asJson, Printer asTable) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        (json ? asJson : asTable).print(out, sentences, threads);
        out.flush();
        return 0;
    }

    private Integer runVariants(List<String> text) throws IOException {
        for (String v : variants) {
            try {
                dev.joule.onnx.compress.EncoderVariant.parse(v);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        BenchEmbedVariants b;
        try (EnergyRun run = EnergyTracker.start("bench-embed", TrackerConfig.defaults())) {
            b = BenchEmbedVariants.run(run, variants, text, batches, threads, !noOnnxRuntime, warmupSeconds, rounds);
        }
        return print(b::printJson, b::printTable);
    }

    private static void measure(EnergyRun run, SentenceEncoder encoder, List<String> text, int batch,
                                List<float[]> sink, List<EmbedThroughput> results, List<EnergyReport> energy,
                                List<MemorySampler.Peak> memory) {
        // One untimed pass over every sentence first, as with --variants (see BenchEmbedVariants.warmUp).
        EmbedBenchmark.measure(encoder, text, batch, 0, null);
        try (EnergyWindow w = run.window("embed-" + encoder.name() + "-batch" + batch);
             MemorySampler sampler = MemorySampler.start()) {
            results.add(EmbedBenchmark.measure(encoder, text, batch, 0, sink));
            memory.add(sampler.stop());
            energy.add(w.end());
        }
    }


    private void printJson(PrintWriter out, List<EmbedThroughput> results, List<EnergyReport> energy,
                           List<MemorySampler.Peak> memory, double[] cosine) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", MiniLm.NAME).put("sentences", sentences).put("threads", threads)
                .put("cosineMean", cosine[1]).put("cosineMin", cosine[0])
                .put("processPeakRssBytes", MemorySampler.processPeakRssBytes(memory));
        ArrayNode rows = root.putArray("runs");
        for (int i = 0; i < results.size(); i++) {
            EmbedThroughput t = results.get(i);
            EnergyReport e = energy.get(i);
            rows.addObject().put("engine", t.engine()).put("batch", t.batch()).put("wallSeconds", t.wallSeconds())
                    .put("sentencesPerSecond", t.sentencesPerSecond()).put("cpuSecondsPerSentence", t.cpuSecondsPerSentence())
                    .put("joulesPerSentence", e.totalJoules() / t.sentences()).put("energySource", e.totalSources())
                    .put("energyEstimate", e.anyEstimate());
            MemorySampler.Peak m = memory.get(i);
            ((ObjectNode) rows.get(i)).put("startHeapBytes", m.startHeapBytes()).put("peakHeapBytes", m.peakHeapBytes())
                    .put("peakLiveHeapBytes", m.peakLiveHeapBytes())
                    .put("startRssBytes", m.startRssBytes()).put("peakRssBytes", m.peakRssBytes());
        }
        out.println(mapper.writeValueAsString(root));
    }
}
