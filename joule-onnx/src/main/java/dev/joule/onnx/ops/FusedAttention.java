package dev.joule.onnx.ops;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.SmallAttention;
import dev.joule.onnx.Value;
import dev.joule.onnx.graph.Node;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Scaled dot-product attention read straight from the heads-interleaved layout the projections
 * produce, so no transpose is ever materialised:
 * <pre>
 *   q [B, Tq, H, dh], k, v [B, Tk, H, dh], mask broadcastable to [B, H, Tq, Tk] (added to the scores; optional)
 *   out[b, i, h, :] = softmax_j(scale · q[b, i, h, :] · k[b, j, h, :] + mask[b, h, i, j]) · v[b, :, h, :]
 * </pre>
 * Row {@code i} of head {@code h} sits at {@code ((b·T + i)·H + h)·dh}; consecutive rows are
 * {@code H·dh} apart, which is the leading dimension handed to gemm. One task per (b, h) pair.
 * Up to {@link SmallAttention#MAX_KEYS} keys (a sentence) the head runs on {@link SmallAttention}'s
 * kernels instead of two gemm calls and a row softmax: at 10-30 tokens those cost more in packing,
 * edge tiles and scalar softmax tails than in arithmetic.
 */
final class FusedAttention {
    private FusedAttention() {}

    static Value[] run(Node node, Value[] in) {
        Tensor q = Args.floats(node, in, 0);
        Tensor k = Args.floats(node, in, 1);
        Tensor v = Args.floats(node, in, 2);
        Tensor mask = Args.optional(in, 3) == null ? null : Args.floats(node, in, 3);
        float scale = node.attrFloat("scale", 1f);
        int[] qs = q.shape();
        int[] ks = k.shape();
        if (qs.length != 4 || !Arrays.equals(ks, v.shape()) || ks.length != 4 || qs[0] != ks[0] || qs[2] != ks[2] || qs[3] != ks[3]) {
            throw node.error("q " + Arrays.toString(qs) + ", k " + Arrays.toString(ks) + ", v " + Arrays.toString(v.shape())
                    + " must be [B, T, H, dh] with equal B, H, dh");
        }
        int batch = qs[0];
        int tq = qs[1];
        int heads = qs[2];
        int dh = qs[3];
        int tk = ks[1];
        int[] scoreShape = {batch, heads, tq, tk};
        int[] maskShape = mask == null ? scoreShape : mask.shape();
        if (!Arrays.equals(Broadcasting.shape(node, maskShape, scoreShape), scoreShape)) {
            throw node.error("mask " + Arrays.toString(maskShape) + " does not broadcast to the scores " + Arrays.toString(scoreShape));
        }
        int[] maskRows = Broadcasting.rowOffsets(maskShape, scoreShape);
        int maskStep = Broadcasting.lastStride(maskShape, scoreShape);
        float[] out = Buffers.floats(q.size());
        int ld = heads * dh;
        if (tk >= 1 && tk <= SmallAttention.MAX_KEYS) {
            Parallel.parallelFor(batch * heads, 1, (from, to) -> {
                int w = SmallAttention.rowWidth(tk);
                float[] scores = new float[tq * w];
                float[] kt = new float[SmallAttention.keyScratch(tk, dh)];
                for (int bh = from; bh < to; bh++) {
                    int b = bh / heads;
                    int h = bh % heads;
                    int kvOff = (b * tk * heads + h) * dh;
                    SmallAttention.scores(q.data(), q.offset() + (b * tq * heads + h) * dh, ld, k.data(), k.offset() + kvOff, ld,
                            tq, tk, dh, kt, scores);
                    scaleAndMask(scores, w, bh, tq, tk, scale, mask, maskRows, maskStep);
                    SmallAttention.softmaxTimesV(scores, tq, tk, v.data(), v.offset() + kvOff, ld, dh,
                            out, (b * tq * heads + h) * dh, ld);
                }
            });
            return Args.one(Args.floatValue(out, qs));
        }
        Kernels kern = Kernels.get();
        Parallel.parallelFor(batch * heads, 1, (from, to) -> {
            float[] scores = new float[tq * tk];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads;
                int h = bh % heads;
                kern.gemm(false, true, tq, tk, dh, q.data(), q.offset() + (b * tq * heads + h) * dh, ld,
                        k.data(), k.offset() + (b * tk * heads + h) * dh, ld, 0f, scores, 0, tk);
                scaleAndMask(scores, tk, bh, tq, tk, scale, mask, maskRows, maskStep);
                for (int i = 0; i < tq; i++) {
                    kern.softmaxInPlace(scores, i * tk, tk);
                }
                kern.gemm(false, false, tq, dh, tk, scores, 0, tk, v.data(), v.offset() + (b * tk * heads + h) * dh, ld,
                        0f, out, (b * tq * heads + h) * dh, ld);
            }
        });
        return Args.one(Args.floatValue(out, qs));
    }

    /** Score rows {@code w} apart: {@code s = s · scale + mask[b, h, i, j]} on the first {@code tk} of each. */
    private static void scaleAndMask(float[] scores, int w, int bh, int tq, int tk, float scale, Tensor mask,
                                     int[] maskRows, int maskStep) {
        float[] m = mask == null ? null : mask.data();
        for (int i = 0; i < tq; i++) {
            int row = i * w;
            if (m == null) {
                SmallAttention.scaleAndAdd(scores, row, tk, scale, null, 0);
                continue;
            }
            int mo = mask.offset() + maskRows[bh * tq + i];
            if (maskStep == 1) {
                SmallAttention.scaleAndAdd(scores, row, tk, scale, m, mo);
            } else {
                for (int j = 0; j < tk; j++) {
                    scores[row + j] = scores[row + j] * scale + m[mo + j * maskStep];
                }
            }
        }
    }
}
