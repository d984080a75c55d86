package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The keys and values of one causal attention layer for incremental decoding, preallocated for
 * {@code capacity} positions so a decoding step never copies the prefix:
 *
 * <pre>
 *   keys, values: [B, H, capacity, dh]   row (b, h, t) starts at ((b·H + h)·capacity + t)·dh
 *   positions [0, length) are filled; a step writes position length and attends over [0, length]
 * </pre>
 *
 * Memory grows with the text: a transformer's per-token work and live state are O(length), unlike a
 * recurrent model's fixed state. The step computes values only (no autograd graph); it is meant for
 * generation under {@link dev.joule.autograd.NoGrad}. A full cache refuses a further step
 * ({@link IllegalStateException}); the caller decides whether to stop or re-encode a shorter window.
 */
public final class KvCache {
    /**
     * Below this many multiply-accumulates per step (scores plus weighted values over all heads) the heads run
     * on the caller: handing a short prefix to another thread costs more than it saves. With 4 heads of 32 this
     * is a prefix of 1024; on a busy 2-core machine a hand-off at 512 made a step 3x slower than one thread.
     */
    private static final long PARALLEL_MIN_MACS = 1 << 18;

    private final int batch;
    private final int heads;
    private final int capacity;
    private final int headDim;
    private final float[] keys;
    private final float[] values;
    private int length;

    public KvCache(int batch, int heads, int capacity, int headDim) {
        if (batch < 1 || heads < 1 || capacity < 1 || headDim < 1) {
            throw new IllegalArgumentException("kv cache needs batch, heads, capacity and head width >= 1, got "
                    + batch + ", " + heads + ", " + capacity + ", " + headDim);
        }
        this.batch = batch;
        this.heads = heads;
        this.capacity = capacity;
        this.headDim = headDim;
        long floats = (long) batch * heads * capacity * headDim;
        if (floats > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("kv cache of " + floats + " floats per tensor exceeds one Java array;"
                    + " use a smaller batch or context");
        }
        this.keys = new float[(int) floats];
        this.values = new float[(int) floats];
    }

    public int batch() {
        return batch;
    }

    /** Positions held so far. */
    public int length() {
        return length;
    }

    /** Positions the cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Keys and values of the filled positions, per stream: {@code 2·H·length·dh}. */
    public long floatsPerStream() {
        return 2L * heads * length * headDim;
    }

    /** What was allocated per stream: {@code 2·H·capacity·dh}. */
    public long allocatedFloatsPerStream() {
        return 2L * heads * capacity * headDim;
    }

    /** An independent copy holding the same positions (to branch or repeat generation from one prefix). */
    public KvCache copy() {
        KvCache c = new KvCache(batch, heads, capacity, headDim);
        System.arraycopy(keys, 0, c.keys, 0, keys.length);
        System.arraycopy(values, 0, c.values, 0, values.length);
        c.length = length;
        return c;
    }

    /** Forgets every position (the arrays are kept). */
    public void clear() {
        length = 0;
    }

    /**
     * One incremental decoding step of {@code attn}'s causal self-attention: {@code x [B, d]} is the newest
     * position; its key and value are appended here and its query attends over the cached positions its
     * {@link AttentionKernel#stepKeyRanges} lists (every one for dense attention; the listed blocks for a
     * block-sparse kernel). Running it over positions 0, 1, ... gives the rows of {@code attn.forward}.
     * Values only, no gradient.
     *
     * <p>The projections are read by their parameter names ({@code q.weight}, ..., the checkpoint names) so the
     * layer needs no decoding code of its own.
     */
    public Var step(MultiHeadAttention attn, Var x) {
        if (!attn.causal()) {
            throw new IllegalStateException("step decoding needs causal attention; this layer attends both ways");
        }
        Map<String, Var> p = attn.namedParameters();
        Tensor y = appendAndAttend(project(p, "q", x), project(p, "k", x), project(p, "v", x),
                attn.kernel().stepKeyRanges(length));
        return Ops.linear(Var.constant(y), p.get("out.weight"), p.get("out.bias"));
    }

    private static Tensor project(Map<String, Var> params, String name, Var x) {
        return Ops.linear(x, params.get(name + ".weight"), params.get(name + ".bias")).value();
    }

    /**
     * Appends one position's key and value and returns that position's attention output: for each stream b
     * and head h, {@code y = softmax(q·Kᵀ/√dh) V} over the cached positions {@code [0, length]}.
     *
     * @param q, k, v {@code [B, H·dh]} projections of the newest position
     * @return {@code y [B, H·dh]}, heads side by side as in {@code Ops.attentionHeads}
     */
    public Tensor appendAndAttend(Tensor q, Tensor k, Tensor v) {
        return appendAndAttend(q, k, v, new int[] {0, length + 1});
    }

    /**
     * As {@link #appendAndAttend(Tensor, Tensor, Tensor)}, attending only the cached positions in
     * {@code keyRanges} ({@code {from0, to0, ...}}, ascending half-open ranges within {@code [0, length]}).
     */
    public Tensor appendAndAttend(Tensor q, Tensor k, Tensor v, int[] keyRanges) {
        int width = heads * headDim;
        for (Tensor t : new Tensor[] {q, k, v}) {
            if (t.rank() != 2 || t.dim(0) != batch || t.dim(1) != width) {
                throw new IllegalArgumentException("kv cache step expects q, k, v [" + batch + ", " + width
                        + "], got " + Arrays.toString(t.shape()));
            }
        }
        if (length == capacity) {
            throw new IllegalStateException("kv cache is full: " + capacity + " positions (the model's context);"
                    + " start a new cache with a shorter window or stop generating");
        }
        int t = length;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int src = b * width + h * headDim;
                int dst = row(b, h, t);
                System.arraycopy(k.data(), k.offset() + src, keys, dst, headDim);
                System.arraycopy(v.data(), v.offset() + src, values, dst, headDim);
            }
        }
        length = t + 1;
        Tensor out = Tensor.zeros(batch, width);
        long macs = 2L * batch * heads * length * headDim;
        int grain = macs < PARALLEL_MIN_MACS ? batch * heads : 1;
        Parallel.parallelFor(batch * heads, grain, (from, to) -> {
            float[] scores = new float[length];
            for (int bh = from; bh < to; bh++) {
                attendHead(bh / heads, bh % heads, q, keyRanges, scores, out);
            }
        });
        return out;
    }

    /** One stream and head: scores over the prefix, softmax in place, then the probability-weighted sum of values. */
    private void attendHead(int b, int h, Tensor q, int[] keyRanges, float[] scores, Tensor out) {
        Kernels kern = Kernels.get();
        int qOff = q.offset() + b * heads * headDim + h * headDim;
        int base = row(b, h, 0);
        int n = 0;
        for (int r = 0; r < keyRanges.length; r += 2) {
            for (int j = keyRanges[r]; j < keyRanges[r + 1]; j++) {
                scores[n++] = kern.dot(q.data(), qOff, keys, base + j * headDim, headDim);
            }
        }
        kern.scale((float) (1.0 / Math.sqrt(headDim)), scores, 0, scores, 0, n);
        kern.softmaxInPlace(scores, 0, n);
        int yOff = out.offset() + b * heads * headDim + h * headDim;
        n = 0;
        for (int r = 0; r < keyRanges.length; r += 2) {
            for (int j = keyRanges[r]; j < keyRanges[r + 1]; j++) {
                kern.axpy(scores[n++], values, base + j * headDim, out.data(), yOff, headDim);
            }
        }
    }

    private int row(int b, int h, int t) {
        return ((b * heads + h) * capacity + t) * headDim;
    }
}
