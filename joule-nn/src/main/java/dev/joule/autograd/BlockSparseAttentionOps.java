package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.wants;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Block-sparse scaled dot-product self-attention: the work is done only for the block pairs a
 * {@link BlockSparseLayout} lists, never as a dense product with a mask. Per (b, h) and query block i
 * (rows {@code m}, listed keys concatenated into a row panel of width {@code W}):
 * <pre>
 *   S = q_i·k_runᵀ · s   for each run of consecutive listed key blocks (one gemm each) → panel [m, W]
 *   P = softmax over the panel row (causal: the diagonal block, last in the list, is cut after the row's key)
 *   O_i = Σ_run P_run·v_run
 *   backward: dv_run += P_runᵀ·dO_i,  dP_run = dO_i·v_runᵀ,  dS = P ⊙ (dP − rowsum(dP ⊙ P)) · s,
 *             dq_i += dS_run·k_run,  dk_run += dS_runᵀ·q_i
 * </pre>
 * The panels of all query blocks are the only saved state ({@code layout.panelSize()} floats per head,
 * the sparse counterpart of the dense op's {@code T²}); they are not kept when no gradient is wanted.
 * Every product is a {@link Kernels#gemm} on offsets into q, k, v, so the op counter sees exactly the
 * listed blocks' multiply-accumulates ({@link BlockSparseLayout#macsPerHead}). The (b, h) problems run
 * in parallel on {@link Parallel}'s pool; each writes only its own slices.
 */
final class BlockSparseAttentionOps {
    private BlockSparseAttentionOps() {}

    /** q, k, v {@code [B, H, T, dh]} → {@code [B, H, T, dh]} with T = {@code layout.tokens()}. */
    static Var attention(Var q, Var k, Var v, BlockSparseLayout layout) {
        int[] qs = q.shape();
        OpSupport.requireRank("blockSparseAttention", "q", qs, 4);
        requireSame("blockSparseAttention", q, k, v);
        requireTokens("blockSparseAttention", qs[2], layout, qs);
        return run(new Heads(qs[0] * qs[1], qs[1], qs[2], qs[3], false), layout, q, k, v, qs);
    }

    /** The unsplit layout: q, k, v {@code [B, T, H·dh]} → {@code [B, T, H·dh]}, head h in columns [h·dh, (h+1)·dh). */
    static Var attentionHeads(Var q, Var k, Var v, int heads, BlockSparseLayout layout) {
        int[] qs = q.shape();
        OpSupport.requireRank("blockSparseAttentionHeads", "q", qs, 3);
        requireSame("blockSparseAttentionHeads", q, k, v);
        if (heads < 1 || qs[2] % heads != 0) {
            throw new ShapeException("blockSparseAttentionHeads: model width " + qs[2] + " of q " + OpSupport.str(qs)
                    + " is not divisible into " + heads + " heads");
        }
        requireTokens("blockSparseAttentionHeads", qs[1], layout, qs);
        return run(new Heads(qs[0] * heads, heads, qs[1], qs[2] / heads, true), layout, q, k, v, qs);
    }

    private static void requireSame(String op, Var q, Var k, Var v) {
        if (!Arrays.equals(q.shape(), k.shape()) || !Arrays.equals(q.shape(), v.shape())) {
            throw new ShapeException(op + ": self-attention needs q, k, v of one shape; got q " + OpSupport.str(q.shape())
                    + ", k " + OpSupport.str(k.shape()) + ", v " + OpSupport.str(v.shape()));
        }
    }

    private static void requireTokens(String op, int tokens, BlockSparseLayout layout, int[] shape) {
        if (tokens != layout.tokens()) {
            throw new ShapeException(op + ": q " + OpSupport.str(shape) + " has " + tokens + " positions but the layout"
                    + " covers " + layout.tokens() + "; build the layout for " + tokens + " tokens");
        }
    }

    private static Var run(Heads geo, BlockSparseLayout layout, Var q, Var k, Var v, int[] outShape) {
        boolean save = OpSupport.needsGrad(q, k, v);
        int panel = layout.panelSize();
        float[] probs = save ? new float[Math.multiplyExact(geo.count, panel)] : null;
        Tensor out = Tensor.zeros(outShape);
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        int grain = geo.grain(layout);
        Parallel.parallelFor(geo.count, grain, (from, to) -> {
            float[] scratch = save ? probs : new float[panel];
            for (int h = from; h < to; h++) {
                forwardHead(geo, layout, h, qv, kv, vv, scratch, save ? h * panel : 0, out);
            }
        });
        if (!save) {
            return Var.constant(out);
        }
        return Var.op(out, g -> {
            // Gradient buffers are created lazily; make them here so that parallel heads cannot race to.
            for (Var in : new Var[] {q, k, v}) {
                if (wants(in)) {
                    in.gradBuffer();
                }
            }
            Parallel.parallelFor(geo.count, grain, (from, to) -> {
                float[] ds = new float[layout.maxPanel()];
                for (int h = from; h < to; h++) {
                    backwardHead(geo, layout, h, q, k, v, probs, h * panel, g, ds);
                }
            });
        }, q, k, v);
    }

    private static void forwardHead(Heads geo, BlockSparseLayout layout, int h, Tensor q, Tensor k, Tensor v,
            float[] probs, int headPanel, Tensor out) {
        Kernels kern = Kernels.get();
        int ld = geo.ld();
        int dh = geo.dh;
        float scale = geo.scale();
        int base = geo.offset(h);
        for (int i = 0, blocks = layout.numBlocks(); i < blocks; i++) {
            int m = layout.blockRows(i);
            int width = layout.panelWidth(i);
            int pOff = headPanel + layout.panelOffset(i);
            int qRow = q.offset() + base + i * layout.blockSize() * ld;
            int[] starts = layout.runStart(i);
            int[] widths = layout.runWidth(i);
            for (int r = 0, col = 0; r < starts.length; col += widths[r], r++) {
                kern.gemm(false, true, m, widths[r], dh, q.data(), qRow, ld,
                        k.data(), k.offset() + base + starts[r] * ld, ld, 0f, probs, pOff + col, width);
            }
            softmaxPanel(kern, layout, i, m, width, scale, probs, pOff);
            int oRow = out.offset() + base + i * layout.blockSize() * ld;
            for (int r = 0, col = 0; r < starts.length; col += widths[r], r++) {
                kern.gemm(false, false, m, dh, widths[r], probs, pOff + col, width,
                        v.data(), v.offset() + base + starts[r] * ld, ld, r == 0 ? 0f : 1f, out.data(), oRow, ld);
            }
        }
    }

    /** Scaled, masked row softmax of one query block's panel, with one exp pass over the whole panel. */
    private static void softmaxPanel(Kernels kern, BlockSparseLayout layout, int i, int m, int width, float scale,
            float[] p, int pOff) {
        for (int a = 0; a < m; a++) {
            int row = pOff + a * width;
            int len = layout.visible(i, a);
            float shift = kern.max(p, row, len) * scale;
            kern.scale(scale, p, row, p, row, len);
            kern.addScalar(-shift, p, row, p, row, len);
            Arrays.fill(p, row + len, row + width, Float.NEGATIVE_INFINITY);
        }
        kern.expShiftInPlace(p, pOff, m * width, 0f);
        for (int a = 0; a < m; a++) {
            int row = pOff + a * width;
            float inv = 1f / kern.sum(p, row, layout.visible(i, a));
            kern.scale(inv, p, row, p, row, width);
        }
    }

    private static void backwardHead(Heads geo, BlockSparseLayout layout, int h, Var q, Var k, Var v,
            float[] probs, int headPanel, Tensor g, float[] ds) {
        Kernels kern = Kernels.get();
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        Tensor gq = wants(q) ? q.gradBuffer() : null;
        Tensor gk = wants(k) ? k.gradBuffer() : null;
        Tensor gv = wants(v) ? v.gradBuffer() : null;
        int ld = geo.ld();
        int dh = geo.dh;
        float scale = geo.scale();
        int base = geo.offset(h);
        for (int i = 0, blocks = layout.numBlocks(); i < blocks; i++) {
            int m = layout.blockRows(i);
            int width = layout.panelWidth(i);
            int pOff = headPanel + layout.panelOffset(i);
            int row0 = base + i * layout.blockSize() * ld;
            int[] starts = layout.runStart(i);
            int[] widths = layout.runWidth(i);
            for (int r = 0, col = 0; r < starts.length; col += widths[r], r++) {
                int keyRow = base + starts[r] * ld;
                if (gv != null) {
                    kern.gemm(true, false, widths[r], dh, m, probs, pOff + col, width, g.data(), g.offset() + row0, ld,
                            1f, gv.data(), gv.offset() + keyRow, ld);
                }
                if (gq != null || gk != null) {
                    kern.gemm(false, true, m, widths[r], dh, g.data(), g.offset() + row0, ld,
                            vv.data(), vv.offset() + keyRow, ld, 0f, ds, col, width);
                }
            }
            if (gq == null && gk == null) {
                continue;
            }
            for (int a = 0; a < m; a++) {
                int row = a * width;
                int p = pOff + a * width;
                int len = layout.visible(i, a);
                float dot = kern.dot(ds, row, probs, p, len);
                kern.addScalar(-dot, ds, row, ds, row, len);
                kern.mul(probs, p, ds, row, ds, row, len);
                kern.scale(scale, ds, row, ds, row, len);
                Arrays.fill(ds, row + len, row + width, 0f);
            }
            for (int r = 0, col = 0; r < starts.length; col += widths[r], r++) {
                int keyRow = base + starts[r] * ld;
                if (gq != null) {
                    kern.gemm(false, false, m, dh, widths[r], ds, col, width, kv.data(), kv.offset() + keyRow, ld,
                            1f, gq.data(), gq.offset() + row0, ld);
                }
                if (gk != null) {
                    kern.gemm(true, false, widths[r], dh, m, ds, col, width, qv.data(), qv.offset() + row0, ld,
                            1f, gk.data(), gk.offset() + keyRow, ld);
                }
            }
        }
    }

    /**
     * {@code count} = B·H independent (b, h) problems of {@code perBatch} = H heads over T positions of width
     * dh. {@code merged} heads live side by side in rows of H·dh ({@code [B, T, H·dh]}); otherwise each head
     * is a contiguous {@code [T, dh]} block ({@code [B, H, T, dh]}).
     */
    private record Heads(int count, int perBatch, int tokens, int dh, boolean merged) {

        float scale() {
            return (float) (1.0 / Math.sqrt(dh));
        }

        /** Row stride of q, k, v and the output. */
        int ld() {
            return merged ? perBatch * dh : dh;
        }

        /** Offset of head h's first row, relative to the tensor's own offset. */
        int offset(int h) {
            int b = h / perBatch;
            int within = h % perBatch;
            return b * perBatch * tokens * dh + within * (merged ? dh : tokens * dh);
        }

        /** Heads per parallel chunk: enough that a chunk does at least ~256k multiply-adds. */
        int grain(BlockSparseLayout layout) {
            long perHead = layout.macsPerHead(dh);
            return (int) Math.max(1, Math.min(count, (1L << 18) / Math.max(perHead, 1)));
        }
    }
}
