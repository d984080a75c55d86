package dev.joule.onnx.bench;

import dev.joule.kernel.Parallel;
import dev.joule.onnx.embed.FortuneSentences;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.embed.MiniLm;
import java.util.List;

/** Developer tool: time per op type (run with -Djoule.onnx.profile=true). */
public final class ProfileRun {
    public static void main(String[] args) throws Exception {
        Parallel.setThreads(1);
        List<String> s = FortuneSentences.read(64);
        try (JouleSentenceEncoder j = MiniLm.joule()) {
            System.out.println(j.model().opCounts());
            j.embed(s.subList(0, 32));
            long t0 = System.nanoTime();
            j.embed(s.subList(32, 64));
            System.out.printf("batch of 32: %.3f s%n", (System.nanoTime() - t0) / 1e9);
            j.model().nanosByOp().forEach((k, v) -> System.out.printf("%-20s %8.1f ms%n", k, v / 1e6));
        }
    }
}
