package dev.joule.onnx.bench;

import dev.joule.kernel.Parallel;
import dev.joule.onnx.compress.EmbeddingFidelity;
import dev.joule.onnx.compress.EncoderVariant;
import dev.joule.onnx.embed.EmbedBenchmark;
import dev.joule.onnx.embed.EmbedThroughput;
import dev.joule.onnx.embed.FortuneSentences;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.SentenceEncoder;
import java.util.ArrayList;
import java.util.List;

/** Developer tool: java ... VariantBench N BATCH variant,...(ort, ort-q: ONNX Runtime f32, int8) [ort] (not a test; joule bench-embed --variants is the tool). */
public final class VariantBench {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        Parallel.setThreads(2);
        List<String> s = FortuneSentences.read(n);
        float[][] ref = null;
        List<SentenceEncoder> encoders = new ArrayList<>();
        for (String v : args[2].split(",")) {
            encoders.add(v.equals("ort") ? MiniLm.onnxRuntime(2) : v.equals("ort-q") ? MiniLm.onnxRuntimeQuantized(2)
                    : MiniLm.joule(EncoderVariant.parse(v)));
        }
        if (args.length > 3) {
            encoders.add(MiniLm.onnxRuntime(2));
            encoders.add(MiniLm.onnxRuntimeQuantized(2));
        }
        for (SentenceEncoder e : encoders) {
            List<float[]> sink = new ArrayList<>();
            EmbedThroughput t = EmbedBenchmark.measure(e, s, batch, Math.max(2, 32 / batch), sink);
            float[][] got = sink.toArray(new float[0][]);
            if (ref == null) {
                ref = got;
            }
            EmbeddingFidelity f = EmbeddingFidelity.compare(ref, got, 10);
            System.out.printf("%-28s batch %d: %7.1f sentences/s, %7.2f cpu ms/sentence, cos mean %.5f min %.5f top10 %.3f%n",
                    t.engine(), batch, t.sentencesPerSecond(), t.cpuSecondsPerSentence() * 1e3, f.meanCosine(), f.minCosine(),
                    f.topKAgreement());
            e.close();
        }
    }
}
