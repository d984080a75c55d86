package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.joule.onnx.embed.EmbedBenchmark;
import dev.joule.onnx.embed.EmbedThroughput;
import dev.joule.onnx.embed.SentenceEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The interleaved rounds of {@code bench-embed --variants} embed exactly the batches of one sequential pass. */
class BenchEmbedRoundsTest {

    /** Embeds sentence "s7" as {7}; remembers every batch it was given. */
    private static final class Recording implements SentenceEncoder {
        final List<List<String>> batches = new ArrayList<>();

        @Override
        public float[][] embed(List<String> sentences) {
            batches.add(List.copyOf(sentences));
            return sentences.stream().map(s -> new float[] {Integer.parseInt(s.substring(1))}).toArray(float[][]::new);
        }

        @Override
        public int dimension() {
            return 1;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void close() {}
    }

    @Test
    void roundsDealEveryBatchOnceAndPutEachEmbeddingInItsPlace() {
        List<String> text = IntStream.range(0, 10).mapToObj(i -> "s" + i).toList();
        for (int rounds : new int[] {1, 2, 3, 7}) {
            Recording enc = new Recording();
            float[][] out = new float[text.size()][];
            int sentences = 0;
            for (int r = 0; r < rounds; r++) {
                EmbedThroughput t = EmbedBenchmark.measureRound(enc, text, 3, r, rounds, out);
                sentences += t.sentences();
            }
            assertEquals(text.size(), sentences, "rounds " + rounds);
            for (int i = 0; i < text.size(); i++) {
                assertNotNull(out[i], "sentence " + i + ", rounds " + rounds);
                assertEquals(i, out[i][0], 0f);
            }
            // The same batches as one pass in order (s0-s2, s3-s5, s6-s8, s9), dealt round-robin.
            List<List<String>> sequential = List.of(text.subList(0, 3), text.subList(3, 6), text.subList(6, 9), text.subList(9, 10));
            assertEquals(sequential.size(), enc.batches.size(), "rounds " + rounds);
            assertEquals(new java.util.HashSet<>(sequential), new java.util.HashSet<>(enc.batches), "rounds " + rounds);
        }
    }
}
