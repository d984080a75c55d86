package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/**
 * Mamba-2's state space duality (SSD) scan: a multi-head SSM whose decay is one scalar per head and position.
 *
 * <pre>
 *   x [B, T, H·P] (head h = columns h·P .. h·P+P)    dt [B, T, H] (positive)    a [H] (negative)
 *   bIn, c [B, T, N] (one group: shared by all heads)
 *   per (b, h):  S_t = exp(dt_t·a_h)·S_{t−1} + dt_t · x_t ⊗ bIn_t     S ∈ R^{P×N}, S_{−1} = 0
 *                y_t = S_t · c_t                                      y [B, T, H·P]
 * </pre>
 *
 * Training runs the chunked form ({@code ssd_minimal.py}): time is cut into chunks of Q; inside a chunk the
 * outputs are the masked quadratic form {@code y_l = Σ_{s≤l} (c_l·b_s)·L[l,s]·dt_s·x_s + exp(cum_l)·S_prev·c_l}
 * with the segment-sum decays {@code L[l,s] = exp(Σ_{s<r≤l} dt_r·a)} (built as running products, never as a
 * ratio of exponentials), and only the state at each chunk start is carried, sequentially, across chunks.
 * Forward keeps those chunk-start states ({@code B·H·⌈T/Q⌉·P·N} floats); backward recomputes a chunk's
 * decays from dt and a, walks the chunks in reverse carrying {@code ∂S}, and reads every gradient off the
 * same Q×Q blocks. Batch rows run in parallel; per-row partial sums of {@code ∂a} are added in row order, so
 * results do not depend on the thread count. The D skip, gate and norm stay ordinary ops outside.
 */
public final class SsdOps {
    /** The default chunk length: two chunks at the char-lm context of 128, one for the 28 image rows. */
    public static final int DEFAULT_CHUNK = 64;

    private SsdOps() {}

    /** The chunked scan with {@link #DEFAULT_CHUNK}. */
    public static Var chunkedScan(Var x, Var dt, Var a, Var bIn, Var c) {
        return chunkedScan(x, dt, a, bIn, c, DEFAULT_CHUNK);
    }

    /**
     * The chunked SSD scan over {@code [B, T, H·P]}; returns {@code y [B, T, H·P]} (without the D skip). Any
     * {@code chunk ≥ 1} gives the same result up to float rounding; T need not be a multiple of it.
     */
    public static Var chunkedScan(Var x, Var dt, Var a, Var bIn, Var c, int chunk) {
        SsdChunks k = plan(x.shape(), dt.shape(), a.shape(), bIn.shape(), c.shape(), chunk);
        k.bind(ScanOps.dense(x.value()), ScanOps.dense(dt.value()), ScanOps.dense(a.value()),
                ScanOps.dense(bIn.value()), ScanOps.dense(c.value()));
        float[] y = new float[k.batch * k.time * k.width];
        float[] saved = new float[k.batch * k.heads * k.chunks * k.head * k.states];
        Parallel.parallelFor(k.batch, 1, (from, to) -> {
            SsdChunks.Work w = k.work();
            for (int b = from; b < to; b++) {
                k.forwardRow(b, y, saved, w);
            }
        });
        OpCounter.record(k.macs(), 0, 4L * (y.length * 2L + k.batch * k.time * (k.heads + 2L * k.states)));
        if (!OpSupport.needsGrad(x, dt, a, bIn, c)) {
            return Var.constant(Tensor.of(y, x.shape()));
        }
        return Var.op(Tensor.of(y, x.shape()), g -> backward(k, ScanOps.dense(g), saved, x, dt, a, bIn, c),
                OpSupport.present(x, dt, a, bIn, c));
    }

    private static SsdChunks plan(int[] xs, int[] dts, int[] as, int[] bs, int[] cs, int chunk) {
        OpSupport.requireRank("ssd", "x", xs, 3);
        OpSupport.requireRank("ssd", "dt", dts, 3);
        OpSupport.requireRank("ssd", "a", as, 1);
        OpSupport.requireRank("ssd", "B", bs, 3);
        int batch = xs[0];
        int time = xs[1];
        int heads = as[0];
        if (heads < 1 || xs[2] % heads != 0) {
            throw new ShapeException("ssd: x's last axis " + xs[2] + " must be heads·P for the " + heads
                    + " heads that a has; give a one entry per head");
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("ssd: chunk must be at least 1, got " + chunk);
        }
        int states = bs[2];
        OpSupport.requireShape("ssd", "dt", dts, batch, time, heads);
        OpSupport.requireShape("ssd", "B", bs, batch, time, states);
        OpSupport.requireShape("ssd", "C", cs, batch, time, states);
        return new SsdChunks(batch, time, heads, xs[2] / heads, states, Math.max(1, Math.min(chunk, time)));
    }

    private static void backward(SsdChunks k, float[] gy, float[] saved, Var x, Var dt, Var a, Var bIn, Var c) {
        float[] gx = new float[k.batch * k.time * k.width];
        float[] gdt = new float[k.batch * k.time * k.heads];
        float[] gaRows = new float[k.batch * k.heads];
        float[] gb = new float[k.batch * k.time * k.states];
        float[] gc = new float[gb.length];
        Parallel.parallelFor(k.batch, 1, (from, to) -> {
            SsdChunks.Work w = k.work();
            for (int b = from; b < to; b++) {
                k.backwardRow(b, gy, saved, gx, gdt, gaRows, gb, gc, w);
            }
        });
        float[] ga = new float[k.heads];
        for (int b = 0; b < k.batch; b++) {
            for (int h = 0; h < k.heads; h++) {
                ga[h] += gaRows[b * k.heads + h];
            }
        }
        addIfWanted(x, gx);
        addIfWanted(dt, gdt);
        addIfWanted(a, ga);
        addIfWanted(bIn, gb);
        addIfWanted(c, gc);
    }

    private static void addIfWanted(Var v, float[] grad) {
        if (OpSupport.wants(v)) {
            OpSupport.addInto(v, grad, 0);
        }
    }

    /**
     * One step of the recurrence, no gradient: {@code x [B, H·P]}, {@code dt [B, H]}, {@code a [H]},
     * {@code bIn, c [B, N]}; advances {@code state [B, H, P, N]} in place and returns {@code y [B, H·P]}, equal
     * to position t of {@link #chunkedScan} when the state holds position t−1. Records its 3·H·P·N MACs
     * (decay, outer product, readout).
     */
    public static Tensor step(Tensor x, Tensor dt, Tensor a, Tensor bIn, Tensor c, Tensor state) {
        int[] s = x.shape();
        OpSupport.requireRank("ssd step", "x", s, 2);
        OpSupport.requireRank("ssd step", "a", a.shape(), 1);
        OpSupport.requireRank("ssd step", "B", bIn.shape(), 2);
        int batch = s[0];
        int heads = a.shape()[0];
        int n = bIn.shape()[1];
        int p = s[1] / heads;
        OpSupport.requireShape("ssd step", "dt", dt.shape(), batch, heads);
        OpSupport.requireShape("ssd step", "B", bIn.shape(), batch, n);
        OpSupport.requireShape("ssd step", "C", c.shape(), batch, n);
        OpSupport.requireShape("ssd step", "state", state.shape(), batch, heads, p, n);
        if (state.offset() != 0 || p * heads != s[1]) {
            throw new ShapeException("ssd step: the state must be a dense tensor at offset 0 and x's width "
                    + s[1] + " a multiple of the " + heads + " heads");
        }
        float[] xv = ScanOps.dense(x);
        float[] dv = ScanOps.dense(dt);
        float[] av = ScanOps.dense(a);
        float[] bv = ScanOps.dense(bIn);
        float[] cv = ScanOps.dense(c);
        float[] st = state.data();
        float[] y = new float[batch * s[1]];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                float step = dv[b * heads + h];
                float decay = (float) Math.exp(step * av[h]);
                for (int i = 0; i < p; i++) {
                    int xi = b * s[1] + h * p + i;
                    float in = step * xv[xi];
                    int so = ((b * heads + h) * p + i) * n;
                    float acc = 0;
                    for (int j = 0; j < n; j++) {
                        float next = decay * st[so + j] + in * bv[b * n + j];
                        st[so + j] = next;
                        acc += next * cv[b * n + j];
                    }
                    y[xi] = acc;
                }
            }
        }
        OpCounter.record(3L * batch * s[1] * n, (long) batch * heads, 4L * (2L * st.length + y.length));
        return Tensor.of(y, s);
    }
}
