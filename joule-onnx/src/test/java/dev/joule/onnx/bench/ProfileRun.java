package dev.joule.onnx.bench;

import dev.joule.kernel.Parallel;
import dev.joule.onnx.embed.FortuneSentences;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.embed.MiniLm;
import java.util.List;

/** Developer tool: time per op type (run with -Djoule.onnx.profile=true); args: batch threads. */
public final class ProfileRun {
    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[0]);
        Parallel.setThreads(Integer.parseInt(args[1]));
        List<String> s = FortuneSentences.read(128);
        try (JouleSentenceEncoder j = MiniLm.joule()) {
            for (int i = 0; i < 64; i += batch) {
                j.embed(s.subList(i, i + batch));
            }
            var before = j.model().nanosByOp();
            long t0 = System.nanoTime();
            for (int i = 64; i < 128; i += batch) {
                j.embed(s.subList(i, i + batch));
            }
            System.out.printf("64 sentences at batch %d: %.3f s%n", batch, (System.nanoTime() - t0) / 1e9);
            j.model().nanosByOp().forEach((k, v) -> System.out.printf("%-20s %8.1f ms%n", k, (v - before.getOrDefault(k, 0L)) / 1e6));
        }
    }
}
