package dev.joule.kernel;

/**
 * Scaled dot-product attention for one head when the sequences are short (a sentence at batch 1:
 * 10-30 tokens), where general gemm calls cost more in packing and edge tiles than in arithmetic
 * (two 15 × 15 × 32 products per head) and a 15-wide softmax row never reaches the vector loop.
 *
 * <p>Score rows are laid out {@link #rowWidth} wide, a whole number of vectors; the lanes past the
 * last key hold −∞, so the softmax runs on whole vectors (e^−∞ = 0 adds nothing) with no scalar tail.
 * Two steps, so a caller can add its mask in between:
 * <pre>
 *   scores(...)         s[i, j] = q_i · k_j                      (j &lt; tk; −∞ beyond)
 *   (caller)            s[i, j] = s[i, j] · scale + mask[i, j]
 *   softmaxTimesV(...)  out_i = Σ_j softmax_j(s[i, ·]) · v_j
 * </pre>
 * Each dot product and each output sums over its index in order with one fused multiply-add per
 * term, so results do not depend on the thread count. With scalar kernels the same steps run as plain
 * loops. The row layout: {@code q}, {@code k}, {@code v} and {@code out} rows are {@code ld*} floats
 * apart (the heads-interleaved {@code [T, H, dh]} layout of a projection, read in place).
 */
public final class SmallAttention {
    private SmallAttention() {}

    /** Keys up to this many take these kernels in the encoder's attention; longer ones the blocked gemm. */
    public static final int MAX_KEYS = 128;

    /** Floats per score row for {@code tk} keys: {@code tk} rounded up to whole vectors. */
    public static int rowWidth(int tk) {
        int lanes = lanes();
        return (tk + lanes - 1) / lanes * lanes;
    }

    /** Scratch floats {@link #scores} needs for {@code tk} keys of {@code dh} dimensions (the transposed keys). */
    public static int keyScratch(int tk, int dh) {
        return rowWidth(tk) * dh;
    }

    /**
     * {@code s[i · w + j] = Σ_d q[qOff + i·ldq + d] · k[kOff + j·ldk + d]} for {@code i < tq, j < tk},
     * {@code w = rowWidth(tk)}; lanes {@code tk ≤ j < w} are set to −∞. {@code kt} is scratch of
     * {@link #keyScratch} floats.
     */
    public static void scores(float[] q, int qOff, int ldq, float[] k, int kOff, int ldk, int tq, int tk, int dh,
                              float[] kt, float[] s) {
        int w = rowWidth(tk);
        for (int d = 0; d < dh; d++) {
            int row = d * w;
            for (int j = 0; j < tk; j++) {
                kt[row + j] = k[kOff + j * ldk + d];
            }
            for (int j = tk; j < w; j++) {
                kt[row + j] = 0f;
            }
        }
        if (Kernels.get() instanceof VectorKernels) {
            SmallAttentionVector.scores(q, qOff, ldq, tq, tk, dh, w, kt, s);
        } else {
            scoresScalar(q, qOff, ldq, tq, tk, dh, w, kt, s);
        }
        for (int i = 0; i < tq; i++) {
            for (int j = tk; j < w; j++) {
                s[i * w + j] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Softmax of each score row ({@code tq} rows of {@link #rowWidth}{@code (tk)} floats, −∞ past key
     * {@code tk}), in place, then {@code out[outOff + i·ldo + d] = Σ_j p[i, j] · v[vOff + j·ldv + d]}.
     */
    public static void softmaxTimesV(float[] s, int tq, int tk, float[] v, int vOff, int ldv, int dh,
                                     float[] out, int outOff, int ldo) {
        int w = rowWidth(tk);
        if (Kernels.get() instanceof VectorKernels) {
            SmallAttentionVector.softmaxTimesV(s, tq, tk, w, v, vOff, ldv, dh, out, outOff, ldo);
        } else {
            softmaxTimesVScalar(s, tq, tk, w, v, vOff, ldv, dh, out, outOff, ldo);
        }
    }

    /**
     * {@code s[row + j] = s[row + j] · scale + m[mo + j]} for {@code j < n} ({@code m} null: the scale
     * alone): the caller's step between {@link #scores} and {@link #softmaxTimesV}, a multiply then an
     * add (two roundings) on every path, so the vector and scalar kernels give the same bits here.
     */
    public static void scaleAndAdd(float[] s, int row, int n, float scale, float[] m, int mo) {
        int j = 0;
        if (Kernels.get() instanceof VectorKernels) {
            j = SmallAttentionVector.scaleAndAdd(s, row, n, scale, m, mo);
        }
        for (; j < n; j++) {
            s[row + j] = m == null ? s[row + j] * scale : s[row + j] * scale + m[mo + j];
        }
    }

    /** The scalar kernels' score rows ({@code kt}: keys transposed, {@code w} wide). */
    static void scoresScalar(float[] q, int qOff, int ldq, int tq, int tk, int dh, int w, float[] kt, float[] s) {
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                float acc = 0f;
                for (int d = 0; d < dh; d++) {
                    acc = Math.fma(q[qOff + i * ldq + d], kt[d * w + j], acc);
                }
                s[i * w + j] = acc;
            }
        }
    }

    /** The scalar kernels' softmax and product with V (rows {@code w} apart). */
    static void softmaxTimesVScalar(float[] s, int tq, int tk, int w, float[] v, int vOff, int ldv, int dh,
                                    float[] out, int outOff, int ldo) {
        for (int i = 0; i < tq; i++) {
            int row = i * w;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < tk; j++) {
                max = Math.max(max, s[row + j]);
            }
            float total = 0f;
            for (int j = 0; j < tk; j++) {
                float e = (float) Math.exp(s[row + j] - max);
                s[row + j] = e;
                total += e;
            }
            float inv = 1f / total;
            for (int d = 0; d < dh; d++) {
                float acc = 0f;
                for (int j = 0; j < tk; j++) {
                    acc = Math.fma(s[row + j] * inv, v[vOff + j * ldv + d], acc);
                }
                out[outOff + i * ldo + d] = acc;
            }
        }
    }

    private static int lanes() {
        return Kernels.get() instanceof VectorKernels vk ? vk.bits() / 32 : 1;
    }
}
