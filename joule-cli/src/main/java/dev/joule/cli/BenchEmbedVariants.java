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
 * and its {@code -q} int8 model, one encoder loaded at a time (so memory holds one model), each timed
 * at every batch size. Fidelity (mean and minimum cosine, top-10 retrieval agreement) is measured
 * against Joule's f32 embeddings of the same sentences, taken from the largest batch's pass.
 */
final class BenchEmbedVariants {
    static final int TOP_K = 10;

    /** One timed pass. */
    record Row(String engine, int batch, EmbedThroughput speed, EnergyReport energy, long weightBytes) {}

    private final List<Row> rows = new ArrayList<>();
    private long warmupNanos;
    private final Map<String, EmbeddingFidelity> fidelity = new LinkedHashMap<>();

    /** Runs f32 first (the reference; added when missing), then the other variants, then ONNX Runtime f32 and int8. */
    static BenchEmbedVariants run(EnergyRun run, List<String> variantNames, List<String> text, List<Integer> batches,
                                  int threads, boolean withOnnxRuntime, double warmupSeconds) {
        BenchEmbedVariants b = new BenchEmbedVariants();
        b.warmupNanos = (long) (warmupSeconds * 1e9);
        List<EncoderVariant> variants = new ArrayList<>();
        variants.add(EncoderVariant.parse("f32"));
        for (String v : variantNames) {
            EncoderVariant p = EncoderVariant.parse(v);
            if (!p.name().equals("f32")) {
                variants.add(p);
            }
        }
        float[][] reference = null;
        for (EncoderVariant v : variants) {
            float[][] e = b.measure(run, () -> MiniLm.joule(v), text, batches);
            reference = reference == null ? e : reference;
            b.fidelity.put("joule " + v.name(), EmbeddingFidelity.compare(reference, e, TOP_K));
        }
        for (Supplier<SentenceEncoder> ort : !withOnnxRuntime ? List.<Supplier<SentenceEncoder>>of()
                : List.<Supplier<SentenceEncoder>>of(() -> MiniLm.onnxRuntime(threads), () -> MiniLm.onnxRuntimeQuantized(threads))) {
            float[][] e = b.measure(run, ort, text, batches);
            b.fidelity.put(b.rows.get(b.rows.size() - 1).engine(), EmbeddingFidelity.compare(reference, e, TOP_K));
        }
        return b;
    }

    private float[][] measure(EnergyRun run, Supplier<SentenceEncoder> make, List<String> text, List<Integer> batches) {
        List<float[]> last = new ArrayList<>();
        int largest = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        try (SentenceEncoder enc = make.get()) {
            long weights = enc instanceof JouleSentenceEncoder j ? weightBytes(j) : -1;
            for (int batch : batches) {
                warmUp(enc, text, batch);
                List<float[]> sink = new ArrayList<>();
                try (EnergyWindow w = run.window("embed-" + enc.name().replace(' ', '-') + "-batch" + batch)) {
                    EmbedThroughput t = EmbedBenchmark.measure(enc, text, batch, 0, sink);
                    rows.add(new Row(enc.name(), batch, t, w.end(), weights));
                }
                if (batch == largest && last.isEmpty()) {
                    last = sink;
                }
            }
        }
        return last.toArray(new float[0][]);
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
        out.printf(Locale.ROOT, "all-MiniLM-L6-v2 variants, %d fortunes sentences, %d threads each; fidelity against joule f32"
                + " (top-%d: retrieval agreement, every sentence a query against the others)%n", sentences, threads, TOP_K);
        out.printf(Locale.ROOT, "%-30s %5s %11s %9s %10s %9s %9s %9s %7s %10s  %s%n", "engine", "batch", "sentences/s",
                "CPU ms/s", "x ORT int8", "mJ/sent", "cos mean", "cos min", "top-10", "weights MB", "energy source");
        for (Row r : rows) {
            EmbeddingFidelity f = fidelity.get(r.engine());
            double cpu = r.speed().cpuSecondsPerSentence();
            out.printf(Locale.ROOT, "%-30s %5d %11.1f %9.2f %10.2f %9.2f %9.5f %9.5f %7.3f %10s  %s%n", r.engine(), r.batch(),
                    r.speed().sentencesPerSecond(), cpu * 1e3, cpu / ortInt8Cpu(r.batch()),
                    r.energy().totalJoules() / r.speed().sentences() * 1e3, f.meanCosine(), f.minCosine(), f.topKAgreement(),
                    r.weightBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.weightBytes() / 1e6),
                    r.energy().totalSources() + (r.energy().anyEstimate() ? " (estimate)" : ""));
        }
        out.println("x ORT int8: CPU time per sentence relative to ONNX Runtime's -q int8 model at the same batch"
                + " (below 1: cheaper); weights MB: the linear layers' stored forms (Joule only)");
    }

    void printJson(PrintWriter out, int sentences, int threads) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", MiniLm.NAME).put("sentences", sentences).put("threads", threads).put("topK", TOP_K)
                .put("fidelityReference", "joule f32");
        ArrayNode arr = root.putArray("runs");
        for (Row r : rows) {
            EmbeddingFidelity f = fidelity.get(r.engine());
            arr.addObject().put("engine", r.engine()).put("batch", r.batch())
                    .put("sentencesPerSecond", r.speed().sentencesPerSecond())
                    .put("cpuSecondsPerSentence", r.speed().cpuSecondsPerSentence())
                    .put("cpuRelativeToOrtInt8", r.speed().cpuSecondsPerSentence() / ortInt8Cpu(r.batch()))
                    .put("joulesPerSentence", r.energy().totalJoules() / r.speed().sentences())
                    .put("energySource", r.energy().totalSources()).put("energyEstimate", r.energy().anyEstimate())
                    .put("weightBytes", r.weightBytes()).put("cosineMean", f.meanCosine()).put("cosineMin", f.minCosine())
                    .put("topKAgreement", f.topKAgreement());
        }
        out.println(mapper.writeValueAsString(root));
    }
}
