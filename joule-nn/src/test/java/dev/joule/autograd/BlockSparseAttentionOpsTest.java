package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BlockSparseAttentionOpsTest {

    /** Dense softmax attention in double, masked by the layout's token mask: the op's definition. */
    private static double[] reference(double[] q, double[] k, double[] v, int heads, BlockSparseLayout layout, int dh) {
        int t = layout.tokens();
        double[] out = new double[heads * t * dh];
        for (int h = 0; h < heads; h++) {
            double[] s = new double[t * t];
            Ref.matmul(q, h * t * dh, false, k, h * t * dh, true, s, 0, t, t, dh);
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    s[i * t + j] = layout.attends(i, j) ? s[i * t + j] / Math.sqrt(dh) : Double.NEGATIVE_INFINITY;
                }
            }
            double[] p = Ref.softmaxRows(s, t);
            Ref.matmul(p, 0, false, v, h * t * dh, false, out, h * t * dh, t, dh, t);
        }
        return out;
    }

    /** The dense f32 route: full scores, the layout's mask as −∞ fill, softmax, full product with v. */
    private static Var denseMasked(Var q, Var k, Var v, BlockSparseLayout layout) {
        int t = layout.tokens();
        Tensor masked = Tensor.zeros(t, t);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                masked.set(layout.attends(i, j) ? 0f : 1f, i, j);
            }
        }
        float scale = (float) (1 / Math.sqrt(q.shape()[3]));
        Var scores = Ops.maskedFill(Ops.scale(Ops.matmul(q, k, false, true), scale), masked, Float.NEGATIVE_INFINITY);
        return Ops.matmul(Ops.softmax(scores, -1), v);
    }

    @Test
    void equalsDenseMaskedAttentionWithGradients() {
        // 37 tokens in blocks of 4: ten blocks, the last one holds a single token; tiny panels (the loops).
        equalsDenseMasked(37, 4, 8);
        // 50 tokens in blocks of 16, the last one of 2; heads of 64 make every panel a gemm.
        equalsDenseMasked(50, 16, 64);
    }

    private static void equalsDenseMasked(int tokens, int block, int dh) {
        for (boolean causal : new boolean[] {false, true}) {
            BlockSparseLayout layout = BlockSparseLayout.fixed(tokens, block, 1, 2, causal);
            assertTrue(layout.density() < 0.8, layout.toString());
            Tensor q = randn(11, 2, 3, tokens, dh);
            Tensor k = randn(12, 2, 3, tokens, dh);
            Tensor v = randn(13, 2, 3, tokens, dh);
            Tensor seed = randn(14, 2, 3, tokens, dh);
            Var[] sparse = {Var.param(q.copy()), Var.param(k.copy()), Var.param(v.copy())};
            Var[] dense = {Var.param(q.copy()), Var.param(k.copy()), Var.param(v.copy())};
            Var ys = Ops.blockSparseAttention(sparse[0], sparse[1], sparse[2], layout);
            Var yd = denseMasked(dense[0], dense[1], dense[2], layout);
            assertClose(yd.value().toArray(), ys.value().toArray(), 1e-4, layout + " output");
            ys.backward(seed);
            yd.backward(seed);
            for (int i = 0; i < 3; i++) {
                assertClose(dense[i].grad().toArray(), sparse[i].grad().toArray(), 1e-4,
                        layout + " grad " + "qkv".charAt(i));
            }
        }
    }

    @Test
    void denseLayoutEqualsTheDenseAttentionOp() {
        for (boolean causal : new boolean[] {false, true}) {
            Tensor q = randn(21, 1, 2, 19, 16);
            Tensor k = randn(22, 1, 2, 19, 16);
            Tensor v = randn(23, 1, 2, 19, 16);
            float[] sparse = Ops.blockSparseAttention(Var.constant(q), Var.constant(k), Var.constant(v),
                    BlockSparseLayout.dense(19, 8, causal)).value().toArray();
            float[] dense = Ops.attention(Var.constant(q), Var.constant(k), Var.constant(v), causal).value().toArray();
            assertClose(dense, sparse, 1e-5, "dense layout causal=" + causal);
        }
    }

    @Test
    void gradientsMatchReference() {
        for (boolean causal : new boolean[] {false, true}) {
            BlockSparseLayout layout = BlockSparseLayout.fixed(11, 2, 2, 3, causal);
            Tensor q = randn(31, 1, 2, 11, 3);
            Tensor k = randn(32, 1, 2, 11, 3);
            Tensor v = randn(33, 1, 2, 11, 3);
            GradCheck.check("blockSparseAttention causal=" + causal,
                    x -> Ops.blockSparseAttention(x[0], x[1], x[2], layout),
                    a -> reference(a[0], a[1], a[2], 2, layout, 3), q, k, v);
        }
    }

    @Test
    void gradientsOnTheUnsplitLayoutWithAHandMadeList() {
        // Query block 2 skips block 1; block 3 (partial, one token) sees only itself and block 0.
        BlockSparseLayout layout = new BlockSparseLayout(7, 2, false, new int[][] {{0, 2}, {1}, {0, 2, 3}, {0, 3}});
        int b = 2;
        int h = 2;
        int dh = 3;
        Tensor q = randn(41, b, 7, h * dh);
        Tensor k = randn(42, b, 7, h * dh);
        Tensor v = randn(43, b, 7, h * dh);
        GradCheck.check("blockSparseAttentionHeads", x -> Ops.blockSparseAttentionHeads(x[0], x[1], x[2], h, layout),
                a -> mergeHeads(reference(splitHeads(a[0], b, 7, h, dh), splitHeads(a[1], b, 7, h, dh),
                        splitHeads(a[2], b, 7, h, dh), b * h, layout, dh), b, 7, h, dh), q, k, v);
    }

    @Test
    void countsOnlyTheListedBlocksMacs() {
        int t = 256;
        int dh = 16;
        BlockSparseLayout layout = BlockSparseLayout.fixed(t, 16, 2, 4, true);
        Tensor q = randn(51, 2, 2, t, dh);
        long macs;
        try (NoGrad ignored = NoGrad.enter(); OpCounter.Region r = OpCounter.open()) {
            Ops.blockSparseAttention(Var.constant(q), Var.constant(q), Var.constant(q), layout);
            macs = r.macs();
        }
        assertEquals(4 * layout.macsPerHead(dh), macs);
        // Listed pairs by hand: block i has min(i + 1, 2) local blocks plus the summaries 3, 7, 11 before i − 1.
        long pairs = 0;
        for (int i = 0; i < 16; i++) {
            pairs += Math.min(i + 1, 2);
            for (int j = 3; j < i - 1; j += 4) {
                pairs++;
            }
        }
        assertEquals(pairs, layout.listedBlocks());
        assertEquals(2 * pairs * 16 * 16 * dh, layout.macsPerHead(dh));
        long denseCausal = 2L * t * t * dh;
        assertTrue(layout.macsPerHead(dh) < denseCausal / 3, layout.macsPerHead(dh) + " vs dense " + denseCausal);
    }

    @Test
    void noGradForwardEqualsTheRecordingOne() {
        BlockSparseLayout layout = BlockSparseLayout.fixed(30, 4, 1, 2, true);
        Tensor q = randn(61, 2, 30, 16);
        Tensor k = randn(62, 2, 30, 16);
        Tensor v = randn(63, 2, 30, 16);
        float[] recorded = Ops.blockSparseAttentionHeads(Var.param(q), Var.param(k), Var.param(v), 2, layout)
                .value().toArray();
        float[] plain;
        try (NoGrad ignored = NoGrad.enter()) {
            plain = Ops.blockSparseAttentionHeads(Var.param(q), Var.param(k), Var.param(v), 2, layout).value().toArray();
        }
        assertArrayEquals(recorded, plain);
    }

    @Test
    void parallelHeadsGiveTheSameResultAsOneThread() {
        BlockSparseLayout layout = BlockSparseLayout.fixed(64, 8, 2, 3, true);
        Tensor q = randn(71, 4, 8, 64, 16);
        Tensor k = randn(72, 4, 8, 64, 16);
        Tensor v = randn(73, 4, 8, 64, 16);
        Tensor seed = randn(74, 4, 8, 64, 16);
        float[][] one = grads(1, layout, q, k, v, seed);
        float[][] two = grads(2, layout, q, k, v, seed);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "tensor " + i);
        }
    }

    @Test
    void rejectsALayoutForAnotherLength() {
        Var q = Var.constant(Tensor.zeros(1, 1, 9, 4));
        ShapeException e = assertThrows(ShapeException.class,
                () -> Ops.blockSparseAttention(q, q, q, BlockSparseLayout.fixed(8, 4, 1, 2, false)));
        assertTrue(e.getMessage().contains("9 positions") && e.getMessage().contains("covers 8"), e.getMessage());
    }

    private static float[][] grads(int threads, BlockSparseLayout layout, Tensor q, Tensor k, Tensor v, Tensor seed) {
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Var qv = Var.param(q.copy());
            Var kv = Var.param(k.copy());
            Var vv = Var.param(v.copy());
            Var y = Ops.blockSparseAttention(qv, kv, vv, layout);
            y.backward(seed);
            return new float[][] {y.value().toArray(), qv.grad().toArray(), kv.grad().toArray(), vv.grad().toArray()};
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " element " + i);
        }
    }

    /** [B, T, H·dh] to [B·H, T, dh] blocks, in double. */
    private static double[] splitHeads(double[] x, int b, int t, int h, int dh) {
        double[] y = new double[x.length];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int hi = 0; hi < h; hi++) {
                    System.arraycopy(x, (bi * t + ti) * h * dh + hi * dh, y, ((bi * h + hi) * t + ti) * dh, dh);
                }
            }
        }
        return y;
    }

    private static double[] mergeHeads(double[] y, int b, int t, int h, int dh) {
        double[] x = new double[y.length];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                for (int hi = 0; hi < h; hi++) {
                    System.arraycopy(y, ((bi * h + hi) * t + ti) * dh, x, (bi * t + ti) * h * dh + hi * dh, dh);
                }
            }
        }
        return x;
    }
}
