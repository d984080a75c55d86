package dev.joule.onnx.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.ops.FusedOps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** The second call with a sentence's shape takes the reshape targets from the shape cache: same bits. */
    @Test
    void aRepeatedShapeReusesItsShapeValuesWithTheSameResult() {
        List<String> s = List.of("Shape values are computed once per length.");
        int before = joule.model().keptShapeSignatures();
        float[] first = joule.embed(s)[0];
        int after = joule.model().keptShapeSignatures();
        assertTrue(after >= 1 && after >= before, "signatures kept: " + before + " then " + after);
        float[] again = joule.embed(s)[0];
        assertArrayEquals(first, again);
        assertEquals(after, joule.model().keptShapeSignatures(), "no new signature for a known length");
    }

    @Test
    void fusedGraphEqualsTheUnfusedOne() {
        OnnxModel plain = OnnxModel.load(MiniLm.modelBytes(), MiniLm.MODEL_RESOURCE, false);
        assertTrue(plain.opCounts().containsKey("Erf") && !plain.opCounts().containsKey(FusedOps.ATTENTION));
        Map<String, Integer> fused = joule.model().opCounts();
        // 6 layers: attention and GELU once each, LayerNorm twice plus the embeddings', six projections.
        assertEquals(6, fused.get(FusedOps.ATTENTION));
        assertEquals(6, fused.get(FusedOps.GELU));
        assertEquals(13, fused.get(FusedOps.LAYER_NORM));
        assertEquals(36, fused.get(FusedOps.LINEAR));
        assertFalse(fused.containsKey("MatMul") || fused.containsKey("Softmax") || fused.containsKey("Erf"));
        List<String> s = List.of("Fusion must not change the answer.", "A shorter one.", "And a third, somewhat longer sentence to pad.");
        try (SentenceTokenizer tok = MiniLm.tokenizer()) {
            JouleSentenceEncoder unfused = new JouleSentenceEncoder(plain, tok, MiniLm.DIMENSION);
            float[][] a = unfused.embed(s);
            float[][] b = joule.embed(s);
            for (int i = 0; i < s.size(); i++) {
                for (int j = 0; j < MiniLm.DIMENSION; j++) {
                    assertEquals(a[i][j], b[i][j], 1e-5, "sentence " + i + " element " + j);
                }
            }
        }
    }

    /**
     * The executor runs each feed-forward GELU in its up-projection's epilogue; a call that captures the
     * up-projection's own output runs the nodes one by one, and both give the same GELU output.
     */
    @Test
    void geluRunsInTheUpProjectionUnlessTheValueBetweenIsCaptured() {
        Map<String, Integer> steps = joule.model().plannedOpCounts();
        assertEquals(6, steps.get(FusedOps.LINEAR_GELU));
        assertEquals(30, steps.get(FusedOps.LINEAR));
        assertFalse(steps.containsKey(FusedOps.GELU));
        assertEquals(13, steps.get(FusedOps.ADD_LAYER_NORM), "every layer norm takes the residual add before it");
        assertFalse(steps.containsKey(FusedOps.LAYER_NORM));
        Node gelu = joule.model().graph().nodes().stream().filter(n -> n.opType().equals(FusedOps.GELU)).findFirst().orElseThrow();
        String up = gelu.inputs().get(0);
        String out = gelu.outputs().get(0);
        assertFusedEqualsStepwise(List.of("The epilogue must not change the answer, whatever the sentence length is.", "Short."),
                up, out, "GELU output");
    }

    /**
     * Captures {@code out} alone (the fused plan) and with the value {@code between} (which runs the nodes
     * apart): {@code between} is there, and {@code out} agrees to 1e-5.
     */
    private static void assertFusedEqualsStepwise(List<String> s, String between, String out, String what) {
        Map<String, Value> fused = joule.capture(s, Set.of(out));
        Map<String, Value> stepwise = joule.capture(s, Set.of(out, between));
        assertTrue(stepwise.get(between) instanceof FloatValue, "the value between the fused nodes is captured");
        float[] a = ((FloatValue) fused.get(out)).tensor().toArray();
        float[] b = ((FloatValue) stepwise.get(out)).tensor().toArray();
        assertEquals(b.length, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5 * (1 + Math.abs(b[i])), what + " element " + i);
        }
    }

    /** A residual add runs inside the next layer norm; capturing the sum runs them apart, with the same result. */
    @Test
    void residualAddRunsInTheLayerNormUnlessTheSumIsCaptured() {
        Node norm = joule.model().graph().nodes().stream().filter(n -> n.opType().equals(FusedOps.LAYER_NORM))
                .skip(3).findFirst().orElseThrow();
        String sum = norm.inputs().get(0);
        String out = norm.outputs().get(0);
        assertFusedEqualsStepwise(List.of("A residual connection, then a norm.", "Two sentences of other lengths, padded."),
                sum, out, "layer norm output");
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
        System.err.printf("MiniLM vs ONNX Runtime, %d fortunes: mean cosine %.9f, min %.9f (1 - min = %.1e)%n", count, sum / count, min, 1 - min);
        assertTrue(min >= 0.9999, "min cosine " + min);
    }
}
