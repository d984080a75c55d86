package dev.joule.onnx.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Joule's run of all-MiniLM-L6-v2 against ONNX Runtime's, on real sentences from the fortunes package. */
class MiniLmEquivalenceTest {
    static JouleSentenceEncoder joule;
    static OrtSentenceEncoder ort;

    @BeforeAll
    static void load() {
        joule = MiniLm.joule();
        ort = MiniLm.onnxRuntime(2);
    }

    @AfterAll
    static void close() {
        joule.close();
        ort.close();
    }

    @Test
    void oneSentenceMatchesOnnxRuntime() {
        List<String> s = List.of("The quick brown fox jumps over the lazy dog.");
        float[] a = joule.embed(s)[0];
        float[] b = ort.embed(s)[0];
        assertEquals(MiniLm.DIMENSION, a.length);
        assertEquals(1.0, Pooling.cosine(a, a), 1e-6);
        assertTrue(Pooling.cosine(a, b) >= 0.9999, "cosine " + Pooling.cosine(a, b));
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 2e-4, "element " + i);
        }
    }

    @Test
    void hundredFortunesInBatchesMatchOnnxRuntime() throws IOException {
        compare(100, 16);
    }

    @Test
    @Tag("slow")
    void thousandFortunesMatchOnnxRuntime() throws IOException {
        compare(1000, 32);
    }

    private static void compare(int count, int batch) throws IOException {
        List<String> sentences = FortuneSentences.read(count);
        assumeTrue(sentences.size() == count, "fortunes package not installed (" + FortuneSentences.DIR + ")");
        double min = 1;
        double sum = 0;
        for (int from = 0; from < count; from += batch) {
            List<String> part = new ArrayList<>(sentences.subList(from, Math.min(count, from + batch)));
            float[][] a = joule.embed(part);
            float[][] b = ort.embed(part);
            for (int i = 0; i < part.size(); i++) {
                double c = Pooling.cosine(a[i], b[i]);
                min = Math.min(min, c);
                sum += c;
            }
        }
        System.err.printf("MiniLM vs ONNX Runtime, %d fortunes: mean cosine %.7f, min %.7f%n", count, sum / count, min);
        assertTrue(min >= 0.9999, "min cosine " + min);
    }
}
