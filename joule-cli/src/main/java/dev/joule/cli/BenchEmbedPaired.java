package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.onnx.compress.EncoderVariant;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.SentenceEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench-embed --variants V --paired ROUNDS}: one Joule variant and its ONNX Runtime counterpart
 * (f32 against ONNX Runtime's f32 model, a compressed variant against its {@code -q} int8 model), both
 * loaded at once and timed in alternating rounds. Round {@code r} embeds the sentences {@code r},
 * {@code r + ROUNDS}, ... on each engine, the engine that goes first alternating, and the result is the
 * median over rounds of the per-round speed ratio.
 *
 * <p>Why: on a shared machine the speed of a process drifts by tens of percent over a minute, and the
 * sequential passes of the default table can land one engine in a slow phase and the other in a fast
 * one. Rounds a fraction of a second apart see the same phase, so their ratio is the comparison that
 * survives the noise. No energy is reported here (the windows would be fragments); the table does that.
 */
final class BenchEmbedPaired {
    /** One batch size: each engine's sentences/s per round, in round order. */
    record Result(int batch, double[] joule, double[] ort) {
        double[] ratios() {
            double[] r = new double[joule.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = joule[i] / ort[i];
            }
            return r;
        }
    }

    private final String jouleName;
    private final String ortName;
    private final int rounds;
    private final List<Result> results = new ArrayList<>();

    private BenchEmbedPaired(String jouleName, String ortName, int rounds) {
        this.jouleName = jouleName;
        this.ortName = ortName;
        this.rounds = rounds;
    }

    static BenchEmbedPaired run(EncoderVariant variant, List<String> text, List<Integer> batches, int threads,
                                int rounds, double warmupSeconds) {
        boolean f32 = variant.name().equals("f32");
        try (SentenceEncoder joule = MiniLm.joule(variant);
             SentenceEncoder ort = f32 ? MiniLm.onnxRuntime(threads) : MiniLm.onnxRuntimeQuantized(threads)) {
            BenchEmbedPaired b = new BenchEmbedPaired(joule.name(), ort.name(), rounds);
            for (int batch : batches) {
                BenchEmbedVariants.warmUp(joule, text, batch, warmupSeconds);
                BenchEmbedVariants.warmUp(ort, text, batch, warmupSeconds);
                double[][] speed = new double[2][rounds];
                for (int r = 0; r < rounds; r++) {
                    List<String> slice = slice(text, r, rounds);
                    for (int k = 0; k < 2; k++) {
                        int e = (r + k) % 2; // Joule first in even rounds, ONNX Runtime first in odd ones
                        BenchEmbedVariants.settle();
                        speed[e][r] = slice.size() / seconds(e == 0 ? joule : ort, slice, batch);
                    }
                }
                b.results.add(new Result(batch, speed[0], speed[1]));
            }
            return b;
        }
    }

    /** Sentences {@code r, r + rounds, ...}: every round gets the same mix of lengths. */
    static List<String> slice(List<String> text, int r, int rounds) {
        List<String> s = new ArrayList<>();
        for (int i = r; i < text.size(); i += rounds) {
            s.add(text.get(i));
        }
        return s;
    }

    private static double seconds(SentenceEncoder enc, List<String> slice, int batch) {
        long t0 = System.nanoTime();
        for (int from = 0; from < slice.size(); from += batch) {
            enc.embed(slice.subList(from, Math.min(slice.size(), from + batch)));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    void printTable(PrintWriter out, int sentences, int threads) {
        out.printf(Locale.ROOT, "all-MiniLM-L6-v2, %s against %s, paired: %d rounds over %d fortunes sentences (every %d-th"
                + " sentence per round), %d threads each, the engine going first alternating%n", jouleName, ortName, rounds,
                sentences, rounds, threads);
        out.printf(Locale.ROOT, "%5s %16s %16s %24s %20s%n", "batch", "joule sent/s", "ort sent/s", "speed joule/ort: median",
                "rounds ahead");
        for (Result r : results) {
            double[] ratio = r.ratios();
            long ahead = Arrays.stream(ratio).filter(x -> x > 1).count();
            out.printf(Locale.ROOT, "%5d %16.1f %16.1f %24.3f %17d/%d   (range %.3f-%.3f)%n", r.batch(), median(r.joule()),
                    median(r.ort()), median(ratio), ahead, ratio.length, Arrays.stream(ratio).min().orElse(Double.NaN),
                    Arrays.stream(ratio).max().orElse(Double.NaN));
        }
        out.println("sent/s: each engine's median over rounds; speed ratio: per round, Joule's sentences/s over ONNX Runtime's,"
                + " then the median; wall time only, no energy (see the table without --paired)");
    }

    void printJson(PrintWriter out, int sentences, int threads) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", MiniLm.NAME).put("sentences", sentences).put("threads", threads).put("rounds", rounds)
                .put("joule", jouleName).put("onnxruntime", ortName);
        ArrayNode arr = root.putArray("batches");
        for (Result r : results) {
            ObjectNode o = arr.addObject().put("batch", r.batch()).put("jouleSentencesPerSecondMedian", median(r.joule()))
                    .put("ortSentencesPerSecondMedian", median(r.ort())).put("speedRatioMedian", median(r.ratios()));
            ArrayNode j = o.putArray("jouleSentencesPerSecond");
            Arrays.stream(r.joule()).forEach(j::add);
            ArrayNode t = o.putArray("ortSentencesPerSecond");
            Arrays.stream(r.ort()).forEach(t::add);
        }
        out.println(mapper.writeValueAsString(root));
    }
}
