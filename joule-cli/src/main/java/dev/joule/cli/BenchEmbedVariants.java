package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.onnx.compress.EmbeddingFidelity;
import dev.joule.onnx.compress.EncoderVariant;
import dev.joule.onnx.embed.EmbedBenchmark;
import dev.joule.onnx.embed.EmbedThroughput;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.SentenceEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bench-embed --variants}: Joule's compressed all-MiniLM-L6-v2 variants, ONNX Runtime's f32 model
 * and its {@code -q} int8 model, all loaded at once and timed <em>interleaved</em>: at each batch size
 * every encoder is warmed up, then the batches of the sentence list are dealt into rounds (round
 * {@code r} takes batches {@code r, r + R, r + 2R, ...}) and each round runs every encoder on its
 * batches, the encoder going first rotating from round to round. Each encoder so embeds exactly the
 * batches a sequential pass would, and every encoder meets the same slow and fast phases of a shared
 * machine; a sentences/s figure is the sentences over the sum of an encoder's round times. (Until
 * 2026-11-27 each encoder ran its whole pass alone, one after another, a minute or more apart; on this
 * machine the ratio of two engines then swung from 0.6 to 1.3 between runs of one command.) Fidelity
 * (mean and minimum cosine, top-10 retrieval agreement) is measured against Joule's f32 embeddings of
 * the same sentences, taken from the largest batch's pass.
 */
final class BenchEmbedVariants {
    static final int TOP_K = 10;

    /** Energy of one encoder at one batch size, summed over its rounds' windows. */
    record Energy(double joules, String sources, boolean estimate) {}

    /** One encoder at one batch size. */
    record Row(String engine, int batch, EmbedThroughput speed, Energy energy, long weightBytes) {}

    private final List<Row> rows = new ArrayList<>();
    private long warmupNanos;
    private int rounds;
    private final Map<String, EmbeddingFidelity> fidelity = new LinkedHashMap<>();

    /**
     * Loads f32 (the reference; added when missing), the other variants, then ONNX Runtime f32 and int8,
     * and times them interleaved in {@code rounds} rounds per batch size (1: each encoder's whole pass in turn).
     */
    static BenchEmbedVariants run(EnergyRun run, List<String> variantNames, List<String> text, List<Integer> batches,
                                  int threads, boolean withOnnxRuntime, double warmupSeconds, int rounds) {
        BenchEmbedVariants b = new BenchEmbedVariants();
        b.warmupNanos = (long) (warmupSeconds * 1e9);
        b.rounds = rounds;
        List<Supplier<SentenceEncoder>> makers = new ArrayList<>();
        makers.add(() -> MiniLm.joule(EncoderVariant.parse("f32")));
        for (String v : variantNames) {
            EncoderVariant p = EncoderVariant.parse(v);
            if (!p.name().equals("f32")) {
                makers.add(() -> MiniLm.joule(p));
            }
        }
        if (withOnnxRuntime) {
            makers.add(() -> MiniLm.onnxRuntime(threads));
            makers.add(() -> MiniLm.onnxRuntimeQuantized(threads));
        }
        List<SentenceEncoder> encoders = new ArrayList<>();
        try {
            for (Supplier<SentenceEncoder> make : makers) {
                encoders.add(make.get());
            }
            float[][][] embeddings = b.measure(run, encoders, text, batches);
            for (int e = 0; e < encoders.size(); e++) {
                b.fidelity.put(encoders.get(e).name(), EmbeddingFidelity.compare(embeddings[0], embeddings[e], TOP_K));
            }
        } finally {
            for (SentenceEncoder e : encoders) {
                e.close();
            }
        }
        return b;
    }

    /** Times every encoder at every batch size; returns each encoder's embeddings from the largest batch's pass. */
    private float[][][] measure(EnergyRun run, List<SentenceEncoder> encoders, List<String> text, List<Integer> batches) {
        int largest = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        int n = encoders.size();
        float[][][] kept = null;
        long[] weights = encoders.stream().mapToLong(e -> e instanceof JouleSentenceEncoder j ? weightBytes(j) : -1).toArray();
        for (int batch : batches) {
            for (SentenceEncoder enc : encoders) {
                warmUp(enc, text, batch);
            }
            float[][][] out = new float[n][text.size()][];
            double[] wall = new double[n];
            double[] cpu = new double[n];
            double[] joules = new double[n];
            String[] sources = new String[n];
            boolean[] estimate = new boolean[n];
            int batchCount = (text.size() + batch - 1) / batch;
            for (int r = 0; r < Math.min(rounds, batchCount); r++) {
                for (int k = 0; k < n; k++) {
                    int e = (r + k) % n; // the encoder going first rotates
                    SentenceEncoder enc = encoders.get(e);
                    settle(); // not timed
                    try (EnergyWindow w = run.window("embed-" + enc.name().replace(' ', '-') + "-batch" + batch + "-round" + r)) {
                        EmbedThroughput t = EmbedBenchmark.measureRound(enc, text, batch, r, rounds, out[e]);
                        EnergyReport report = w.end();
                        wall[e] += t.wallSeconds();
                        cpu[e] += t.cpuSeconds();
                        joules[e] += report.totalJoules();
                        sources[e] = report.totalSources();
                        estimate[e] |= report.anyEstimate();
                    }
                }
            }
            for (int e = 0; e < n; e++) {
                EmbedThroughput t = new EmbedThroughput(encoders.get(e).name(), batch, text.size(), wall[e], cpu[e]);
                rows.add(new Row(t.engine(), batch, t, new Energy(joules[e], sources[e], estimate[e]), weights[e]));
            }
            if (batch == largest && kept == null) {
                kept = out;
            }
        }
        return kept;
    }

    /**
     * The untimed pause before each encoder's round ({@code -Djoule.bench.settleMillis}). ONNX Runtime's
     * pool threads spin after a run returns (its thread pool spins 2^20 pause loops before blocking): here
     * they took 20-40 ms of CPU in the 50 ms after a pass, a core of the two that the next encoder's round
     * then lacked. With no pause, an interleaved ONNX Runtime int8 model lost about a fifth of its speed
     * when its round followed the f32 model's (median of 8 alternations: 385 against 478 sentences/s alone).
     */
    static final long SETTLE_MILLIS = Long.getLong("joule.bench.settleMillis", 100);

    /** Sleeps untimed between two encoders' rounds, so the threads the last one left spinning are parked before the next starts. */
    static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Untimed passes over all the sentences until the warm-up time has passed (at least one). Every pass
     * covers every sentence length the timed pass will bring: on a JVM, code compiled while only some
     * lengths ran is deoptimised and compiled again when the others arrive, and the JIT's compile
     * threads then take a core from the timed run. Until 2026-11-26 (sixth stop) the warm-up after its
     * first pass repeated the first 32 sentences only; Joule's int8 timed pass then often ran in a
     * recompiling phase (first timed pass 422-640 sentences/s after that warm-up, 579-682 after full
     * passes, four processes each). ONNX Runtime gets the same passes (its arena grows to the longest
     * sentence in them).
     */
    private void warmUp(SentenceEncoder enc, List<String> text, int batch) {
        warmUp(enc, text, batch, warmupNanos / 1e9);
    }

    static void warmUp(SentenceEncoder enc, List<String> text, int batch, double seconds) {
        long warmupNanos = (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        do {
            EmbedBenchmark.measure(enc, text, batch, 0, null);
        } while (System.nanoTime() - t0 < warmupNanos);
    }

    /** The linear layers' stored bytes: their forms', or 4 bytes per weight where a layer runs the plain f32 gemm. */
    private static long weightBytes(JouleSentenceEncoder j) {
        Map<String, LinearWeights> forms = j.model().forms();
        return j.model().linearSites().stream().mapToLong(s -> forms.containsKey(s.nodeName())
                ? forms.get(s.nodeName()).storedBytes() : 4L * s.in() * s.out()).sum();
    }

    /** CPU seconds per sentence of ONNX Runtime's int8 model at {@code batch}, or NaN. */
    private double ortInt8Cpu(int batch) {
        return rows.stream().filter(r -> r.engine().equals("onnxruntime int8") && r.batch() == batch)
                .mapToDouble(r -> r.speed().cpuSecondsPerSentence()).findFirst().orElse(Double.NaN);
    }

    void printTable(PrintWriter out, int sentences, int threads) {
        out.printf(Locale.ROOT, "all-MiniLM-L6-v2 variants, %d fortunes sentences, %d threads each, timed interleaved"
                + " in %d rounds; fidelity against joule f32 (top-%d: retrieval agreement, every sentence a query against the"
                + " others)%n", sentences, threads, rounds, TOP_K);
        out.printf(Locale.ROOT, "%-30s %5s %11s %9s %10s %9s %9s %9s %7s %10s  %s%n", "engine", "batch", "sentences/s",
                "CPU ms/s", "x ORT int8", "mJ/sent", "cos mean", "cos min", "top-10", "weights MB", "energy source");
        for (Row r : rows) {
            EmbeddingFidelity f = fidelity.get(r.engine());
            double cpu = r.speed().cpuSecondsPerSentence();
            out.printf(Locale.ROOT, "%-30s %5d %11.1f %9.2f %10.2f %9.2f %9.5f %9.5f %7.3f %10s  %s%n", r.engine(), r.batch(),
                    r.speed().sentencesPerSecond(), cpu * 1e3, cpu / ortInt8Cpu(r.batch()),
                    r.energy().joules() / r.speed().sentences() * 1e3, f.meanCosine(), f.minCosine(), f.topKAgreement(),
                    r.weightBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.weightBytes() / 1e6),
                    r.energy().sources() + (r.energy().estimate() ? " (estimate)" : ""));
        }
        out.println("x ORT int8: CPU time per sentence relative to ONNX Runtime's -q int8 model at the same batch"
                + " (below 1: cheaper); weights MB: the linear layers' stored forms (Joule only)");
    }

    void printJson(PrintWriter out, int sentences, int threads) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", MiniLm.NAME).put("sentences", sentences).put("threads", threads).put("topK", TOP_K)
                .put("rounds", rounds).put("fidelityReference", "joule f32");
        ArrayNode arr = root.putArray("runs");
        for (Row r : rows) {
            EmbeddingFidelity f = fidelity.get(r.engine());
            arr.addObject().put("engine", r.engine()).put("batch", r.batch())
                    .put("sentencesPerSecond", r.speed().sentencesPerSecond())
                    .put("cpuSecondsPerSentence", r.speed().cpuSecondsPerSentence())
                    .put("cpuRelativeToOrtInt8", r.speed().cpuSecondsPerSentence() / ortInt8Cpu(r.batch()))
                    .put("joulesPerSentence", r.energy().joules() / r.speed().sentences())
                    .put("energySource", r.energy().sources()).put("energyEstimate", r.energy().estimate())
                    .put("weightBytes", r.weightBytes()).put("cosineMean", f.meanCosine()).put("cosineMin", f.minCosine())
                    .put("topKAgreement", f.topKAgreement());
        }
        out.println(mapper.writeValueAsString(root));
    }
}
