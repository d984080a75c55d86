package dev.joule.onnx.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.Value;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.Pooling;
import dev.joule.onnx.embed.SentenceTokenizer;
import dev.joule.onnx.graph.Graph;
import dev.joule.onnx.graph.Node;
import dev.joule.onnx.ops.FusedOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Head pruning on the real all-MiniLM-L6-v2 (6 blocks of 12 heads of 32), against its own f32 run. */
class MiniLmHeadPruningTest {
    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "A journey of a thousand miles begins with a single step.",
            "Compression must keep the meaning of a sentence.",
            "Short one.",
            "Whatever is worth doing at all is worth doing well, said somebody long ago.");
    static OnnxModel base;
    static SentenceTokenizer tokenizer;
    static float[][] reference;

    @BeforeAll
    static void load() {
        base = OnnxModel.load(MiniLm.modelBytes(), MiniLm.MODEL_RESOURCE);
        tokenizer = MiniLm.tokenizer();
        reference = embed(base.graph());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static float[][] embed(Graph g) {
        return new JouleSentenceEncoder(OnnxModel.of(g, "heads", s -> null), tokenizer, MiniLm.DIMENSION).embed(SENTENCES);
    }

    @Test
    void everyBlockLosesAQuarterOfItsHeadsPhysically() {
        HeadPruning.Result r = HeadPruning.prune(base.graph(), 0.25);
        assertEquals(6, r.layers().size());
        assertEquals(72, r.headsBefore());
        assertEquals(54, r.headsAfter());
        OnnxModel pruned = OnnxModel.of(r.graph(), "pruned", s -> null);
        // q, k, v: [384, 288]; out-projection [288, 384]; the FFN is untouched.
        assertEquals(18, pruned.linearSites().stream().filter(s -> s.in() == 384 && s.out() == 288).count());
        assertEquals(6, pruned.linearSites().stream().filter(s -> s.in() == 288 && s.out() == 384).count());
        assertEquals(12, pruned.linearSites().stream().filter(s -> s.in() == 1536 || s.out() == 1536).count());
        assertEquals(0, base.linearSites().stream().filter(s -> s.out() == 288).count(), "the base graph is unchanged");
        float[][] got = new JouleSentenceEncoder(pruned, tokenizer, MiniLm.DIMENSION).embed(SENTENCES);
        assertEquals(MiniLm.DIMENSION, got[0].length);
    }

    @Test
    void noHeadRemovedEqualsTheOriginal() {
        float[][] none = embed(HeadPruning.prune(base.graph(), 0).graph());
        for (int i = 0; i < SENTENCES.size(); i++) {
            // 1e-6: the Vector API's lane reductions may add in another order once C2 compiles them.
            assertArrayEquals(reference[i], none[i], 1e-6f, SENTENCES.get(i));
        }
    }

    @Test
    void removingHeadsWhoseOutProjectionRowsAreZeroChangesNothing() {
        Graph silenced = withHeadSilenced(base.graph(), 7);
        float[][] want = embed(silenced);
        HeadPruning.Result r = HeadPruning.prune(silenced, 1 / 12.0);
        assertEquals(66, r.headsAfter());
        float[][] got = embed(r.graph());
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertEquals(1.0, Pooling.cosine(want[i], got[i]), 1e-6, SENTENCES.get(i));
        }
    }

    @Test
    void calibratedScoresBeatWeightScoresAtAQuarter() {
        JouleSentenceEncoder f32 = new JouleSentenceEncoder(base, tokenizer, MiniLm.DIMENSION);
        Map<String, HeadPruning.HeadStats> stats = HeadPruning.calibrate(f32, List.of(
                "Calibration sentences differ from the test ones.", "Another one, about the weather today.",
                "He who laughs last has not yet heard the bad news."));
        assertEquals(6, stats.size());
        assertEquals(12, stats.values().iterator().next().activity().length);
        EmbeddingFidelity calibrated = EmbeddingFidelity.compare(reference, embed(HeadPruning.prune(base.graph(), 0.25, stats).graph()), 3);
        EmbeddingFidelity weights = EmbeddingFidelity.compare(reference, embed(HeadPruning.prune(base.graph(), 0.25).graph()), 3);
        // No fine-tuning: a quarter of the heads costs a lot (1000 sentences: docs/onnx.md).
        assertTrue(calibrated.minCosine() > 0.7, calibrated.toString());
        assertTrue(calibrated.meanCosine() > weights.meanCosine(), calibrated + " vs " + weights);

        HeadPruning.Result global = HeadPruning.pruneGlobally(base.graph(), 0.25, stats);
        assertEquals(54, global.headsAfter());
        assertEquals(6, global.layers().size());
        java.util.Set<Integer> widths = new java.util.HashSet<>();
        OnnxModel.of(global.graph(), "global", s -> null).linearSites().stream()
                .filter(s -> s.nodeName().contains("/attention/self/query/")).forEach(s -> widths.add(s.out()));
        assertTrue(widths.size() > 1, "blocks lose different numbers of heads: " + widths);
        EmbeddingFidelity g = EmbeddingFidelity.compare(reference, embed(global.graph()), 3);
        assertTrue(g.minCosine() > 0.8, g.toString());
    }

    /** {@code graph} with head {@code head}'s rows of every attention out-projection set to zero. */
    private static Graph withHeadSilenced(Graph graph, int head) {
        Map<String, Value> constants = new HashMap<>(graph.constants());
        for (Node n : graph.nodes()) {
            if (!n.opType().equals(FusedOps.ATTENTION)) {
                continue;
            }
            Node out = graph.nodes().stream().filter(m -> m.opType().equals(FusedOps.LINEAR))
                    .filter(m -> m.name().contains(n.name().substring(0, n.name().indexOf("/attention/")) + "/attention/output/"))
                    .findFirst().orElseThrow();
            Value wo = constants.get(out.inputs().get(1));
            float[] w = ((FloatValue) wo).toArray();
            int d = wo.shape()[1];
            java.util.Arrays.fill(w, head * 32 * d, (head + 1) * 32 * d, 0f);
            constants.put(out.inputs().get(1), FloatValue.of(w, wo.shape()));
        }
        return new Graph(graph.nodes(), Map.copyOf(constants), graph.inputs(), graph.outputs(), graph.opset());
    }
}
