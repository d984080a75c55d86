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
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int from = 0; from < sentences.size(); from += batch) {
            float[][] e = encoder.embed(sentences.subList(from, Math.min(sentences.size(), from + batch)));
            if (sink != null) {
                sink.addAll(List.of(e));
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        return new EmbedThroughput(encoder.name(), batch, sentences.size(), wall, cpu);
    }

    /** Process CPU time, or -1e9 when the JVM does not report it. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1_000_000_000L;
    }
}
