package dev.joule.onnx.bench;

import dev.joule.kernel.Parallel;
import dev.joule.onnx.embed.EmbedBenchmark;
import dev.joule.onnx.embed.EmbedThroughput;
import dev.joule.onnx.embed.FortuneSentences;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.SentenceEncoder;
import java.util.List;

/** Developer tool: java ... QuickBench N BATCH (not a test). */
public final class QuickBench {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        Parallel.setThreads(2);
        List<String> s = FortuneSentences.read(n);
        try (SentenceEncoder j = MiniLm.joule(); SentenceEncoder o = MiniLm.onnxRuntime(2)) {
            for (SentenceEncoder e : List.of(j, o)) {
                EmbedThroughput t = EmbedBenchmark.measure(e, s, batch, 2, null);
                System.out.printf("%s batch %d: %.1f sentences/s, %.4f cpu s/sentence%n", t.engine(), batch,
                        t.sentencesPerSecond(), t.cpuSecondsPerSentence());
            }
        }
    }
}
