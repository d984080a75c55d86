package dev.joule.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModuleTest {

    @Test
    void namesParametersByDottedPathInRegistrationOrder() {
        TransformerBlock block = new TransformerBlock(8, 2, 16, true, Activation.Kind.GELU, 0f, new SplittableRandom(1));
        Sequential blocks = new Sequential(block);
        List<String> names = List.copyOf(blocks.namedParameters().keySet());
        assertEquals(List.of("0.ln1.weight", "0.ln1.bias", "0.attn.q.weight", "0.attn.q.bias", "0.attn.k.weight",
                "0.attn.k.bias", "0.attn.v.weight", "0.attn.v.bias", "0.attn.out.weight", "0.attn.out.bias",
                "0.ln2.weight", "0.ln2.bias", "0.ff.up.weight", "0.ff.up.bias", "0.ff.down.weight", "0.ff.down.bias"),
                names);
        // 2·8 + 4·(64 + 8) + 2·8 + (8·16 + 16) + (16·8 + 8)
        assertEquals(16 + 288 + 16 + 144 + 136, blocks.parameterCount());
    }

    @Test
    void setTrainingReachesEveryDescendant() {
        Dropout inner = new Dropout(0.5f, new SplittableRandom(1));
        Sequential outer = new Sequential(new Sequential(inner), Activation.relu());
        outer.setTraining(false);
        assertFalse(inner.isTraining());
        outer.setTraining(true);
        assertTrue(inner.isTraining());
    }

    @Test
    void dropoutIsIdentityInEvaluation() {
        Dropout d = new Dropout(0.5f, new SplittableRandom(1));
        d.setTraining(false);
        Var x = Var.constant(Tensor.full(1f, 4, 4));
        assertEquals(x, d.forward(x));
    }

    @Test
    void linearUsesPyTorchLayoutAndInitBound() {
        Linear l = new Linear(16, 3, true, new SplittableRandom(7));
        assertArrayEquals(new int[] {3, 16}, l.weight().shape());
        assertArrayEquals(new int[] {3}, l.bias().shape());
        for (float w : l.weight().value().toArray()) {
            assertTrue(Math.abs(w) <= 0.25f, "weight " + w + " outside U(-1/4, 1/4)");
        }
        Var y = l.forward(Var.constant(Tensor.zeros(2, 5, 16)));
        assertArrayEquals(new int[] {2, 5, 3}, y.shape());
        assertArrayEquals(l.bias().value().toArray(), y.value().rows(0, 1).reshape(5, 3).rows(0, 1).toArray());
    }

    @Test
    void initialisationIsDeterministicForASeed() {
        float[] a = new Linear(10, 10, true, new SplittableRandom(3)).weight().value().toArray();
        float[] b = new Linear(10, 10, true, new SplittableRandom(3)).weight().value().toArray();
        float[] c = new Linear(10, 10, true, new SplittableRandom(4)).weight().value().toArray();
        assertArrayEquals(a, b);
        assertNotEquals(a[0], c[0]);
    }

    private static final class TwoParams extends Module {
        TwoParams(String first, String second) {
            param(first, Tensor.zeros(1));
            param(second, Tensor.zeros(1));
        }

        @Override
        public Var forward(Var x) {
            return x;
        }
    }

    @Test
    void registeringANameTwiceIsAnError() {
        assertEquals(2, new TwoParams("a", "b").parameterCount());
        assertThrows(IllegalArgumentException.class, () -> new TwoParams("w", "w"));
        assertThrows(IllegalArgumentException.class, () -> new TwoParams("w", "x.y"));
    }

    @Test
    void embeddingAndNormsKeepShapes() {
        SplittableRandom rng = new SplittableRandom(2);
        Embedding e = new Embedding(5, 4, 0.02f, rng);
        Var h = e.forward(Tensor.of(new float[] {0, 4, 2, 1, 3, 0}, 2, 3));
        assertArrayEquals(new int[] {2, 3, 4}, h.shape());
        assertArrayEquals(new int[] {2, 3, 4}, new LayerNorm(4).forward(h).shape());
        assertArrayEquals(new int[] {2, 3, 4}, new RMSNorm(4).forward(h).shape());
    }

    @Test
    void attentionRejectsWidthNotDivisibleByHeads() {
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3, false, new SplittableRandom(1)));
    }

    @Test
    void convolutionLayersKeepPyTorchShapes() {
        SplittableRandom rng = new SplittableRandom(9);
        Sequential cnn = new Sequential(new Conv2d(1, 4, 3, 1, 1, true, rng), Activation.relu(), new MaxPool2d(2));
        assertArrayEquals(new int[] {2, 4, 14, 14}, cnn.forward(Var.constant(Tensor.zeros(2, 1, 28, 28))).shape());
        assertEquals(4 * 9 + 4, cnn.parameterCount());
        CausalConv1d conv = new CausalConv1d(6, 4, true, rng);
        assertArrayEquals(new int[] {2, 5, 6}, conv.forward(Var.constant(Tensor.zeros(2, 5, 6))).shape());
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
    }

    @Test
    void attentionInitMatchesTorchMultiheadAttention() {
        MultiHeadAttention attn = new MultiHeadAttention(64, 4, false, new SplittableRandom(1));
        var p = attn.namedParameters();
        float xavier = (float) Math.sqrt(6.0 / 256);
        for (String w : List.of("q.weight", "k.weight", "v.weight")) {
            for (float x : p.get(w).value().toArray()) {
                assertTrue(Math.abs(x) <= xavier, w);
            }
        }
        for (String b : List.of("q.bias", "k.bias", "v.bias", "out.bias")) {
            assertArrayEquals(new float[64], p.get(b).value().toArray(), b);
        }
        Var y = attn.forward(Var.constant(Tensor.full(0.5f, 2, 7, 64)));
        assertArrayEquals(new int[] {2, 7, 64}, y.shape());
    }
}
