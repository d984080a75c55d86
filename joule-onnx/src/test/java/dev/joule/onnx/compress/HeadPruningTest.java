package dev.joule.onnx.compress;

import static dev.joule.onnx.compress.SyntheticAttention.CONTEXT;
import static dev.joule.onnx.compress.SyntheticAttention.D;
import static dev.joule.onnx.compress.SyntheticAttention.HEAD_DIM;
import static dev.joule.onnx.compress.SyntheticAttention.WO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.onnx.FloatValue;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.Value;
import dev.joule.onnx.embed.Pooling;
import dev.joule.onnx.graph.Graph;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Head pruning on a small synthetic attention block (see {@link SyntheticAttention}). */
class HeadPruningTest {

    private static float[] run(Graph g, Map<String, Value> in) {
        return ((FloatValue) OnnxModel.of(g, "synthetic", s -> null).run(in).get("y")).toArray();
    }

    private static Value context(Graph g, Map<String, Value> in) {
        return OnnxModel.of(g, "synthetic", s -> null).run(in, Set.of(CONTEXT)).get(CONTEXT);
    }

    @Test
    void findsTheBlockWhateverFormItsReshapeTargetsTake() {
        Graph g = SyntheticAttention.build(1, w -> { });
        assertEquals(List.of(CONTEXT), HeadPruning.contextNames(g));
    }

    @Test
    void removingNoHeadGivesExactlyTheOriginalOutputs() {
        Graph g = SyntheticAttention.build(1, w -> { });
        HeadPruning.Result r = HeadPruning.prune(g, 0);
        assertEquals(List.of("attention"), r.layers());
        assertEquals(4, r.headsAfter());
        Map<String, Value> in = SyntheticAttention.inputs(7, 5, 3, 4);
        assertArrayEquals(run(g, in), run(r.graph(), in));
    }

    @Test
    void aHeadWithZeroOutProjectionRowsIsTheOneRemovedAndNothingChanges() {
        Graph g = SyntheticAttention.build(2, w -> Arrays.fill(w.get(WO), 1 * HEAD_DIM * D, 2 * HEAD_DIM * D, 0f));
        HeadPruning.Result r = HeadPruning.prune(g, 0.25);
        assertEquals(3, r.headsAfter());
        assertArrayEquals(new int[] {3 * HEAD_DIM, D}, r.graph().constants().get(WO).shape());
        assertArrayEquals(new int[] {D, 3 * HEAD_DIM}, r.graph().constants().get("Wq").shape());
        assertArrayEquals(new int[] {3 * HEAD_DIM}, r.graph().constants().get("bv").shape());
        float[] wo = ((FloatValue) g.constants().get(WO)).toArray();
        assertArrayEquals(Arrays.copyOfRange(wo, 2 * HEAD_DIM * D, 4 * HEAD_DIM * D),
                Arrays.copyOfRange(((FloatValue) r.graph().constants().get(WO)).toArray(), HEAD_DIM * D, 3 * HEAD_DIM * D),
                "heads 2 and 3 move up one place");
        Map<String, Value> in = SyntheticAttention.inputs(3, 6, 2, 6);
        assertCosinePerToken(run(g, in), run(r.graph(), in), 1e-6);
    }

    @Test
    void shapesFollowTheKeptHeadsForBatchOneAndPaddedBatchThree() {
        Graph g = SyntheticAttention.build(3, w -> Arrays.fill(w.get(WO), 0, HEAD_DIM * D, 0f));
        Graph pruned = HeadPruning.prune(g, 0.5).graph();
        for (int[] lengths : new int[][] {{5}, {7, 2, 4}}) {
            Map<String, Value> in = SyntheticAttention.inputs(11, lengths);
            int t = Arrays.stream(lengths).max().orElseThrow();
            assertArrayEquals(new int[] {lengths.length, t, 2, HEAD_DIM}, context(pruned, in).shape());
            assertArrayEquals(new int[] {lengths.length, t, 4, HEAD_DIM}, context(g, in).shape());
            float[] y = run(pruned, in);
            assertEquals(lengths.length * t * D, y.length);
            assertTrue(Arrays.stream(toDoubles(y)).allMatch(Double::isFinite));
        }
    }

    @Test
    void calibratedPruningFoldsAConstantHeadIntoTheBias() {
        // Head 2 reads nothing (its Wv columns are zero): its context is bv's entries whatever it attends to.
        Graph g = SyntheticAttention.build(4, w -> {
            float[] wv = w.get("Wv");
            for (int i = 0; i < D; i++) {
                Arrays.fill(wv, i * D + 2 * HEAD_DIM, i * D + 3 * HEAD_DIM, 0f);
            }
        });
        OnnxModel model = OnnxModel.of(g, "synthetic", s -> null);
        Map<String, HeadPruning.HeadStats> stats = HeadPruning.calibrate(g, Stream.of(4, 7, 9)
                .map(n -> model.run(SyntheticAttention.inputs(n, n), Set.of(CONTEXT))));
        HeadPruning.HeadStats s = stats.get(CONTEXT);
        assertEquals(0, s.activity()[2], 1e-6);
        assertTrue(s.activity()[0] > 0.01, Arrays.toString(s.activity()));
        HeadPruning.Result r = HeadPruning.prune(g, 0.25, stats);
        float[] bo = ((FloatValue) g.constants().get("bo")).toArray();
        assertTrue(!Arrays.equals(bo, ((FloatValue) r.graph().constants().get("bo")).toArray()), "the head's mean went into bo");
        Map<String, Value> in = SyntheticAttention.inputs(5, 6, 3);
        float[] want = run(g, in);
        float[] got = run(r.graph(), in);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5, "element " + i);
        }
        // Weights alone remove the same head (its Wv columns are zero) but drop its constant contribution.
        float[] uncorrected = run(HeadPruning.prune(g, 0.25).graph(), in);
        assertTrue(Math.abs(uncorrected[0] - want[0]) > 1e-3, uncorrected[0] + " vs " + want[0]);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.25, 1.0, 1.5, Double.NaN})
    void badFractionsAreRefusedWithTheRange(double fraction) {
        Graph g = SyntheticAttention.build(1, w -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeadPruning.prune(g, fraction));
        assertTrue(e.getMessage().contains("[0, 1)") && e.getMessage().contains(String.valueOf(fraction)), e.getMessage());
    }

    @Test
    void atLeastOneHeadIsKept() {
        assertEquals(3, HeadPruning.removedHeads(4, 0.99));
        assertEquals(1, HeadPruning.removedHeads(12, 0.05));
        assertEquals(3, HeadPruning.removedHeads(12, 0.25));
        Graph g = SyntheticAttention.build(1, w -> { });
        assertEquals(1, HeadPruning.prune(g, 0.9).headsAfter());
    }

    @Test
    void ablationScoresASilentHeadZeroAndItGoesFirst() {
        Graph g = SyntheticAttention.build(6, w -> Arrays.fill(w.get(WO), 3 * HEAD_DIM * D, 4 * HEAD_DIM * D, 0f));
        Map<String, Value> in = SyntheticAttention.inputs(8, 5, 3);
        Map<String, HeadPruning.HeadStats> scores = HeadAblation.scores(g, Map.of(), graph -> rows(run(graph, in)));
        double[] damage = scores.get(CONTEXT).activity();
        assertEquals(0, damage[3], 1e-7, Arrays.toString(damage));
        for (int h = 0; h < 3; h++) {
            assertTrue(damage[h] > 1e-4, Arrays.toString(damage));
        }
        HeadPruning.Result r = HeadPruning.pruneGlobally(g, 0.25, scores);
        assertCosinePerToken(run(g, in), run(r.graph(), in), 1e-6);
    }

    private static float[][] rows(float[] y) {
        float[][] r = new float[y.length / D][];
        for (int i = 0; i < r.length; i++) {
            r[i] = Arrays.copyOfRange(y, i * D, (i + 1) * D);
        }
        return r;
    }

    @Test
    void explicitHeadsAreKeptInOrderAndBadListsRefused() {
        Graph g = SyntheticAttention.build(5, w -> { });
        HeadPruning.Result r = HeadPruning.keep(g, Map.of(CONTEXT, new int[] {0, 3}), Map.of());
        assertEquals(2, r.headsAfter());
        float[] wq = ((FloatValue) g.constants().get("Wq")).toArray();
        float[] got = ((FloatValue) r.graph().constants().get("Wq")).toArray();
        for (int i = 0; i < D; i++) {
            assertArrayEquals(Arrays.copyOfRange(wq, i * D, i * D + HEAD_DIM), Arrays.copyOfRange(got, i * 4, i * 4 + 2));
            assertArrayEquals(Arrays.copyOfRange(wq, i * D + 6, i * D + 8), Arrays.copyOfRange(got, i * 4 + 2, i * 4 + 4));
        }
        assertArrayEquals(new int[] {2, 2, 2, HEAD_DIM}, context(r.graph(), SyntheticAttention.inputs(1, 1, 2)).shape());
        assertEquals(List.of(), HeadPruning.keep(g, Map.of(), Map.of()).layers(), "blocks not listed are left alone");
        for (int[] bad : new int[][] {{}, {3, 0}, {1, 1}, {4}, {-1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HeadPruning.keep(g, Map.of(CONTEXT, bad), Map.of()));
            assertTrue(e.getMessage().contains("[0, 4)"), e.getMessage());
        }
    }

    @Test
    void variantNamesCarryTheHeadFraction() {
        EncoderVariant v = EncoderVariant.parse("int8+heads25+pruned50");
        assertEquals(0.25, v.headPruneFraction());
        assertEquals(0.5, v.ffnPruneFraction());
        assertEquals(QuantizedLinear.Scheme.W8A8, v.scheme());
        assertEquals(EncoderVariant.HeadRanking.PER_BLOCK, v.headRanking());
        assertEquals(0, EncoderVariant.parse("pruned25").headPruneFraction());
        EncoderVariant global = EncoderVariant.parse("int8+heads25-global");
        assertEquals(0.25, global.headPruneFraction());
        assertEquals(EncoderVariant.HeadRanking.GLOBAL, global.headRanking());
        assertEquals(EncoderVariant.HeadRanking.ABLATION, EncoderVariant.parse("heads10-ablation").headRanking());
        assertEquals(0.1, EncoderVariant.parse("heads10-ablation").headPruneFraction());
        for (String bad : List.of("heads100", "heads-5", "headsx", "heads", "heads-global", "heads25-globalx", "heads25-local", "heads-ablation")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderVariant.parse(bad));
            assertTrue(e.getMessage().contains("headsP"), e.getMessage());
        }
    }

    private static void assertCosinePerToken(float[] want, float[] got, double tolerance) {
        assertEquals(want.length, got.length);
        for (int row = 0; row < want.length / D; row++) {
            float[] a = Arrays.copyOfRange(want, row * D, (row + 1) * D);
            float[] b = Arrays.copyOfRange(got, row * D, (row + 1) * D);
            assertEquals(1.0, Pooling.cosine(a, b), tolerance, "token row " + row);
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
