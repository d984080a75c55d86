package dev.joule.onnx.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.forms.Int8Weights;
import dev.joule.kernel.forms.PackedDenseWeights;
import dev.joule.onnx.OnnxModel;
import dev.joule.onnx.embed.JouleSentenceEncoder;
import dev.joule.onnx.embed.MiniLm;
import dev.joule.onnx.embed.SentenceTokenizer;
import dev.joule.onnx.graph.LinearSite;
import dev.joule.onnx.ops.FusedOps;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** all-MiniLM-L6-v2 run as each compressed variant against its own f32 run. */
class MiniLmVariantsTest {
    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "A journey of a thousand miles begins with a single step.",
            "Compression must keep the meaning of a sentence.",
            "Energy per sentence is what we measure.",
            "Short one.",
            "Whatever is worth doing at all is worth doing well, said somebody long ago.");
    static OnnxModel base;
    static SentenceTokenizer tokenizer;
    static float[][] reference;

    @BeforeAll
    static void load() {
        base = OnnxModel.load(MiniLm.modelBytes(), MiniLm.MODEL_RESOURCE);
        tokenizer = MiniLm.tokenizer();
        reference = embed(EncoderVariant.parse("f32"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static float[][] embed(EncoderVariant v) {
        return new JouleSentenceEncoder(v.apply(base), tokenizer, MiniLm.DIMENSION, v.name()).embed(SENTENCES);
    }

    @Test
    void prepackedWeightsGiveTheSameEmbeddingsAsThePerCallGemm() {
        assertTrue(base.forms().values().stream().allMatch(f -> f instanceof PackedDenseWeights));
        assertEquals(36, base.forms().size());
        float[][] plain = embed(EncoderVariant.parse("f32-unpacked"));
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertArrayEquals(reference[i], plain[i], 1e-6f, SENTENCES.get(i));
        }
    }

    @Test
    void quantizedVariantsStayClose() {
        check("int8-weight", 0.998);
        check("int8", 0.99);
        // int4 without clipping or fine-tuning: about 0.93 on these sentences (docs/onnx.md has the 1000-sentence figures).
        check("int4-weight", 0.9);
    }

    @Test
    void pruningShrinksTheFeedForwardMatrices() {
        FfnPruning.Result r = FfnPruning.prune(base.graph(), 0.25);
        assertEquals(6, r.blocks().size());
        assertEquals(6 * 1536, r.channelsBefore());
        assertEquals(6 * 1152, r.channelsAfter());
        OnnxModel pruned = OnnxModel.of(r.graph(), "pruned", s -> null);
        long small = pruned.linearSites().stream().filter(s -> s.in() == 1152 || s.out() == 1152).count();
        assertEquals(12, small);
        assertEquals(1536, base.linearSites().stream().mapToInt(LinearSite::out).max().orElse(0), "the base graph is unchanged");
        float[][] none = embed(EncoderVariant.parse("pruned0"));
        // 1e-6: the Vector API's lane reductions may add in another order once C2 compiles them.
        assertArrayEquals(reference[0], none[0], 1e-6f);
        // Without fine-tuning even 10 % of the channels cost a lot (min cosine about 0.91 here).
        check("pruned10", 0.85);
        check("int8-weight+pruned10", 0.85);
    }

    @Test
    void calibratedPruningCorrectsTheDownBiasAndStaysClose() {
        JouleSentenceEncoder f32 = new JouleSentenceEncoder(base, tokenizer, MiniLm.DIMENSION);
        java.util.Map<String, FfnPruning.ChannelStats> stats = FfnPruning.calibrate(f32,
                List.of("Calibration sentences differ from the test ones.", "Another one, about the weather today."));
        assertEquals(6, stats.size());
        assertEquals(1536, stats.values().iterator().next().std().length);
        FfnPruning.Result r = FfnPruning.prune(base.graph(), 0.1, stats);
        assertEquals(6 * 1382, r.channelsAfter());
        String downBias = r.graph().nodes().stream().filter(n -> n.opType().equals(FusedOps.LINEAR))
                .filter(n -> r.graph().constants().get(n.inputs().get(1)).shape()[0] == 1382)
                .findFirst().orElseThrow().inputs().get(2);
        float[] before = ((dev.joule.onnx.FloatValue) base.graph().constants().get(downBias)).toArray();
        float[] after = ((dev.joule.onnx.FloatValue) r.graph().constants().get(downBias)).toArray();
        assertTrue(!java.util.Arrays.equals(before, after), "removed channels' mean contribution goes into the bias");
        OnnxModel pruned = OnnxModel.of(r.graph(), "pruned", s -> null);
        float[][] got = new JouleSentenceEncoder(pruned, tokenizer, MiniLm.DIMENSION).embed(SENTENCES);
        EmbeddingFidelity f = EmbeddingFidelity.compare(reference, got, 3);
        assertTrue(f.minCosine() >= 0.9, f.toString());
    }

    @Test
    void formsRunOnEveryLinearLayer() {
        OnnxModel m = EncoderVariant.parse("int8").apply(base);
        assertEquals(36, m.forms().size());
        assertTrue(m.forms().values().stream().allMatch(f -> f instanceof Int8Weights q && q.scheme() == Int8Weights.Scheme.W8A8_DYNAMIC));
        assertEquals(36, m.opCounts().get(FusedOps.LINEAR));
        assertInstanceOf(Int8Weights.class, m.forms().values().iterator().next());
    }

    @Test
    void unknownVariantIsRefusedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderVariant.parse("int3"));
        assertTrue(e.getMessage().contains("int8-weight"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncoderVariant.parse("pruned100"));
    }

    private static void check(String variant, double minCosine) {
        EmbeddingFidelity f = EmbeddingFidelity.compare(reference, embed(EncoderVariant.parse(variant)), 3);
        assertTrue(f.minCosine() >= minCosine, variant + ": " + f);
    }
}
