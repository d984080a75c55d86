package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.wants;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Fused scaled dot-product attention, one node for the whole product:
 * <pre>
 *   per (b, h):  S = q·kᵀ · s  [Tq, Tk]   (s = 1/√dh; causal: S[i, j] = −∞ for j > i)
 *                P = softmax_rows(S),  O = P·v  [Tq, dh]
 *   backward:    dP = dO·vᵀ,  dv += Pᵀ·dO,  dS = P ⊙ (dP − rowsum(dP ⊙ P)) · s,
 *                dq += dS·k,  dk += dSᵀ·q
 * </pre>
 * Only P is saved ({@code [B, H, Tq, Tk]}); every product is a {@link Kernels#gemm} call on
 * offsets into the contiguous q, k, v, so no intermediate nodes or copies are made. The (b, h)
 * problems run in parallel on {@link Parallel}'s pool.
 */
final class AttentionOps {
    private AttentionOps() {}

    static Var attention(Var q, Var k, Var v, boolean causal) {
        int[] qs = q.shape();
        int[] ks = k.shape();
        int[] vs = v.shape();
        OpSupport.requireRank("attention", "q", qs, 4);
        OpSupport.requireRank("attention", "k", ks, 4);
        OpSupport.requireRank("attention", "v", vs, 4);
        if (!Arrays.equals(ks, vs) || ks[0] != qs[0] || ks[1] != qs[1] || ks[3] != qs[3]) {
            throw new ShapeException("attention: expected q [B, H, Tq, dh] and k, v [B, H, Tk, dh] with the same"
                    + " B, H, dh; got q " + OpSupport.str(qs) + ", k " + OpSupport.str(ks) + ", v " + OpSupport.str(vs));
        }
        Geometry geo = new Geometry(qs[0] * qs[1], qs[1], qs[2], ks[2], qs[3], false, causal);
        return run(geo, q, k, v, qs);
    }

    /**
     * Multi-head attention on the unsplit layout: q [B, Tq, H·dh], k and v [B, Tk, H·dh] give
     * [B, Tq, H·dh], head h reading columns [h·dh, (h+1)·dh). Same result as splitting the heads with
     * reshape + transpose, calling {@link #attention} and merging back, without the four copies: the
     * gemm calls read and write the heads in place through their leading dimension.
     */
    static Var attentionHeads(Var q, Var k, Var v, int heads, boolean causal) {
        int[] qs = q.shape();
        int[] ks = k.shape();
        int[] vs = v.shape();
        OpSupport.requireRank("attentionHeads", "q", qs, 3);
        OpSupport.requireRank("attentionHeads", "k", ks, 3);
        OpSupport.requireRank("attentionHeads", "v", vs, 3);
        if (heads < 1 || qs[2] % heads != 0) {
            throw new ShapeException("attentionHeads: model width " + qs[2] + " of q " + OpSupport.str(qs)
                    + " is not divisible into " + heads + " heads");
        }
        if (!Arrays.equals(ks, vs) || ks[0] != qs[0] || ks[2] != qs[2]) {
            throw new ShapeException("attentionHeads: expected q [B, Tq, d] and k, v [B, Tk, d] with the same B, d;"
                    + " got q " + OpSupport.str(qs) + ", k " + OpSupport.str(ks) + ", v " + OpSupport.str(vs));
        }
        Geometry geo = new Geometry(qs[0] * heads, heads, qs[1], ks[1], qs[2] / heads, true, causal);
        return run(geo, q, k, v, qs);
    }

    private static Var run(Geometry geo, Var q, Var k, Var v, int[] outShape) {
        float[] probs = new float[geo.heads * geo.tq * geo.tk];
        Tensor out = Tensor.zeros(outShape);
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        // Heads are independent and each writes only its own slices, so chunking cannot change results.
        Parallel.parallelFor(geo.heads, geo.grain(), (from, to) -> {
            for (int h = from; h < to; h++) {
                geo.forwardHead(h, qv, kv, vv, probs, out);
            }
        });
        return Var.op(out, g -> {
            // Gradient buffers are created lazily; make them here so that parallel heads cannot race to.
            for (Var in : new Var[] {q, k, v}) {
                if (wants(in)) {
                    in.gradBuffer();
                }
            }
            Parallel.parallelFor(geo.heads, geo.grain(), (from, to) -> {
                float[] ds = new float[geo.tq * geo.tk];
                for (int h = from; h < to; h++) {
                    geo.backwardHead(h, q, k, v, probs, g, ds);
                }
            });
        }, q, k, v);
    }

    /**
     * Sizes of one attention call: {@code heads} = B·H independent (b, h) problems of {@code perBatch} = H
     * heads each. {@code merged} heads live side by side in rows of H·dh ([B, T, H·dh]); otherwise each
     * head is a contiguous [T, dh] block ([B, H, T, dh]). Either way a head is a strided matrix for gemm.
     */
    private record Geometry(int heads, int perBatch, int tq, int tk, int dh, boolean merged, boolean causal) {

        float scale() {
            return (float) (1.0 / Math.sqrt(dh));
        }

        /** Row stride of q, k, v and the output. */
        int ld() {
            return merged ? perBatch * dh : dh;
        }

        /** Offset of head h's first row in a tensor with {@code t} rows per head. */
        int offset(int h, int t) {
            int b = h / perBatch;
            int within = h % perBatch;
            return b * perBatch * t * dh + within * (merged ? dh : t * dh);
        }

        /** Heads per parallel chunk: enough that a chunk does at least ~256k multiply-adds. */
        int grain() {
            long perHead = 2L * tq * tk * dh;
            return (int) Math.max(1, Math.min(heads, (1L << 18) / Math.max(perHead, 1)));
        }

        /** Keys visible from query row i: all of them, or the first i + 1 under the causal mask. */
        int visible(int i) {
            return causal ? Math.min(i + 1, tk) : tk;
        }

        void forwardHead(int h, Tensor q, Tensor k, Tensor v, float[] probs, Tensor out) {
            Kernels kern = Kernels.get();
            int ld = ld();
            float scale = scale();
            int qOff = q.offset() + offset(h, tq);
            int kOff = k.offset() + offset(h, tk);
            int vOff = v.offset() + offset(h, tk);
            int pOff = h * tq * tk;
            kern.gemm(false, true, tq, tk, dh, q.data(), qOff, ld, k.data(), kOff, ld, 0f, probs, pOff, tk);
            // Softmax of the whole [tq, tk] block with one exp pass: rows are shifted by their own max
            // first (masked keys become −∞, so exp gives exactly 0). Rows of ~28 floats would otherwise
            // spend most of their time in the scalar tail of a per-row vector exp.
            for (int i = 0; i < tq; i++) {
                int row = pOff + i * tk;
                int len = visible(i);
                float shift = kern.max(probs, row, len) * scale;
                // Kernel calls rather than loops: rows this short run in C2's scalar post-loop.
                kern.scale(scale, probs, row, probs, row, len);
                kern.addScalar(-shift, probs, row, probs, row, len);
                Arrays.fill(probs, row + len, row + tk, Float.NEGATIVE_INFINITY);
            }
            kern.expShiftInPlace(probs, pOff, tq * tk, 0f);
            for (int i = 0; i < tq; i++) {
                int row = pOff + i * tk;
                float inv = 1f / kern.sum(probs, row, visible(i));
                kern.scale(inv, probs, row, probs, row, tk);
            }
            kern.gemm(false, false, tq, dh, tk, probs, pOff, tk, v.data(), vOff, ld,
                    0f, out.data(), out.offset() + offset(h, tq), ld);
        }

        void backwardHead(int h, Var q, Var k, Var v, float[] probs, Tensor g, float[] ds) {
            Kernels kern = Kernels.get();
            Tensor qv = q.value();
            Tensor kv = k.value();
            Tensor vv = v.value();
            int ld = ld();
            float scale = scale();
            int qOff = offset(h, tq);
            int kOff = offset(h, tk);
            int pOff = h * tq * tk;
            int gOff = g.offset() + qOff;
            if (wants(v)) {
                Tensor gv = v.gradBuffer();
                kern.gemm(true, false, tk, dh, tq, probs, pOff, tk, g.data(), gOff, ld,
                        1f, gv.data(), gv.offset() + kOff, ld);
            }
            if (!wants(q) && !wants(k)) {
                return;
            }
            kern.gemm(false, true, tq, tk, dh, g.data(), gOff, ld, vv.data(), vv.offset() + kOff, ld, 0f, ds, 0, tk);
            for (int i = 0; i < tq; i++) {
                int row = i * tk;
                int p = pOff + i * tk;
                int len = visible(i);
                float dot = kern.dot(ds, row, probs, p, len);
                kern.addScalar(-dot, ds, row, ds, row, len);
                kern.mul(probs, p, ds, row, ds, row, len);
                kern.scale(scale, ds, row, ds, row, len);
                Arrays.fill(ds, row + len, row + tk, 0f);
            }
            if (wants(q)) {
                Tensor gq = q.gradBuffer();
                kern.gemm(false, false, tq, dh, tk, ds, 0, tk, kv.data(), kv.offset() + kOff, ld,
                        1f, gq.data(), gq.offset() + qOff, ld);
            }
            if (wants(k)) {
                Tensor gk = k.gradBuffer();
                kern.gemm(true, false, tk, dh, tq, ds, 0, tk, qv.data(), qv.offset() + qOff, ld,
                        1f, gk.data(), gk.offset() + kOff, ld);
            }
        }
    }
}
