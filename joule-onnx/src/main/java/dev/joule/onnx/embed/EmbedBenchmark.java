package dev.joule.onnx.embed;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Times sentence encoders on the same sentences in the same process. Each measurement runs one
 * untimed warm-up pass over the first batches (JIT, ORT's arena), then embeds every sentence once.
 */
public final class EmbedBenchmark {
    private EmbedBenchmark() {}

    /** Times {@code encoder}; the embeddings of the timed pass are added to {@code sink} (may be null). */
    public static EmbedThroughput measure(SentenceEncoder encoder, List<String> sentences, int batch, int warmupBatches,
                                          List<float[]> sink) {
        for (int w = 0; w < warmupBatches; w++) {
            int from = (w * batch) % sentences.size();
            encoder.embed(sentences.subList(from, Math.min(sentences.size(), from + batch)));
        }
        float[][] out = new float[sentences.size()][];
        EmbedThroughput t = measureRound(encoder, sentences, batch, 0, 1, out);
        if (sink != null) {
            sink.addAll(List.of(out));
        }
        return t;
    }

    /**
     * Times {@code encoder} on batches {@code round, round + rounds, ...} of {@code sentences} (batch
     * {@code b} is sentences {@code b·batch} onwards) and puts each embedding at its sentence's index in
     * {@code out}: one of {@code rounds} interleaved rounds that together embed every batch of a pass once.
     */
    public static EmbedThroughput measureRound(SentenceEncoder encoder, List<String> sentences, int batch, int round,
                                               int rounds, float[][] out) {
        int count = 0;
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int from = round * batch; from < sentences.size(); from += rounds * batch) {
            List<String> part = sentences.subList(from, Math.min(sentences.size(), from + batch));
            float[][] e = encoder.embed(part);
            System.arraycopy(e, 0, out, from, e.length);
            count += part.size();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        return new EmbedThroughput(encoder.name(), batch, count, wall, cpu);
    }

    /** Process CPU time, or -1e9 when the JVM does not report it. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1_000_000_000L;
    }
}
