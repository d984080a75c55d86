package dev.joule.autograd;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/**
 * Mamba's selective scan (S6): a diagonal state space whose step size and input/output maps depend on the input.
 *
 * <pre>
 *   u, dt [B, T, E]     a [E, N] (negative)     bIn, c [B, T, N] (shared by the E channels)
 *   per (b, e, n):  h_t = exp(dt_t·a[e,n])·h_{t−1} + dt_t·bIn_t[n]·u_t        h_{−1} = 0
 *                   y_t[e] = Σ_n c_t[n]·h_t[e,n]                                 y [B, T, E]
 * </pre>
 *
 * The scan runs sequentially over time, batch rows in parallel, each position's decays {@code exp(dt·a)} in one
 * vectorised exp pass, the state updated in place. Forward keeps only the state at every {@link #CHECKPOINT}-th
 * position ({@code B·⌈T/16⌉·E·N} floats, none without a gradient); backward recomputes one chunk of 16 states
 * and decays at a time from its checkpoint into a small per-thread buffer (cache-resident, no per-step
 * allocation) and runs the reverse recurrence {@code δ_t = c_t·g_t + exp(dt_{t+1}a)·δ_{t+1}} over it, reading
 * each parameter's gradient off {@code δ_t}, {@code h_{t−1}} and {@code h_t}. The D skip and the gate are
 * ordinary ops outside.
 */
public final class SsmOps {
    private SsmOps() {}

    /** Positions per checkpoint: forward keeps the state at every 16th position, backward recomputes the rest. */
    static final int CHECKPOINT = 16;

    /** The selective scan over {@code [B, T, E]}; returns {@code y [B, T, E]} (without the D skip). */
    public static Var selectiveScan(Var u, Var dt, Var a, Var bIn, Var c) {
        int[] s = u.shape();
        OpSupport.requireRank("selectiveScan", "u", s, 3);
        OpSupport.requireShape("selectiveScan", "dt", dt.shape(), s);
        OpSupport.requireRank("selectiveScan", "a", a.shape(), 2);
        int batch = s[0];
        int time = s[1];
        int width = s[2];
        int states = a.shape()[1];
        OpSupport.requireShape("selectiveScan", "a", a.shape(), width, states);
        OpSupport.requireShape("selectiveScan", "B", bIn.shape(), batch, time, states);
        OpSupport.requireShape("selectiveScan", "C", c.shape(), batch, time, states);
        float[] uv = ScanOps.dense(u.value());
        float[] dv = ScanOps.dense(dt.value());
        float[] av = ScanOps.dense(a.value());
        float[] bv = ScanOps.dense(bIn.value());
        float[] cv = ScanOps.dense(c.value());
        int plane = width * states;
        int chunks = (time + CHECKPOINT - 1) / CHECKPOINT;
        boolean grad = OpSupport.needsGrad(u, dt, a, bIn, c);
        float[] saved = grad ? new float[batch * chunks * plane] : null;
        float[] y = new float[batch * time * width];
        if (SsmLanes.fits(width)) {
            SsmLanes lanes = new SsmLanes(uv, dv, av, bv, cv, time, width, states);
            Parallel.parallelFor(batch, 1, (from, to) -> {
                float[] h = new float[plane];
                for (int b = from; b < to; b++) {
                    lanes.forwardRow(b, y, saved, h);
                }
            });
            if (!grad) {
                return Var.constant(Tensor.of(y, s));
            }
            return Var.op(Tensor.of(y, s), g -> backwardLanes(lanes, ScanOps.dense(g), saved, batch, time, width,
                    states, u, dt, a, bIn, c), OpSupport.present(u, dt, a, bIn, c));
        }
        SsmRows rows = SsmRows.get();
        Parallel.parallelFor(batch, 1, (from, to) -> {
            float[] decay = new float[plane];
            float[] h = new float[plane];
            for (int b = from; b < to; b++) {
                java.util.Arrays.fill(h, 0f);
                for (int t = 0; t < time; t++) {
                    if (grad && t % CHECKPOINT == 0) {
                        System.arraycopy(h, 0, saved, (b * chunks + t / CHECKPOINT) * plane, plane);
                    }
                    int bt = b * time + t;
                    rows.decays(dv, bt * width, av, decay, 0, width, states);
                    for (int e = 0; e < width; e++) {
                        int i = bt * width + e;
                        y[i] = rows.forward(h, e * states, t == 0 ? -1 : e * states, decay, e * states,
                                dv[i] * uv[i], bv, cv, bt * states, states);
                    }
                }
            }
        });
        if (!grad) {
            return Var.constant(Tensor.of(y, s));
        }
        return Var.op(Tensor.of(y, s), g -> backward(ScanOps.dense(g), uv, dv, av, bv, cv, saved, batch, time, width,
                states, u, dt, a, bIn, c), OpSupport.present(u, dt, a, bIn, c));
    }

    /**
     * Batch rows are independent, so they run in parallel; {@code ∂a} is summed per row, then in row order. Per
     * row, the checkpoints are visited last to first: the chunk's states and decays are recomputed from its
     * checkpoint (the same arithmetic as forward, so bit-identical), then the reverse recurrence runs over it.
     */
    private static void backward(float[] gy, float[] uv, float[] dv, float[] av, float[] bv, float[] cv,
            float[] saved, int batch, int time, int width, int states, Var u, Var dt, Var a, Var bIn, Var c) {
        float[] gu = new float[uv.length];
        float[] gdt = new float[dv.length];
        float[] gaRows = new float[batch * av.length];
        float[] gb = new float[bv.length];
        float[] gc = new float[cv.length];
        int plane = width * states;
        int chunks = (time + CHECKPOINT - 1) / CHECKPOINT;
        SsmRows rows = SsmRows.get();
        Parallel.parallelFor(batch, 1, (from, to) -> {
            float[] sums = new float[2];
            float[] carry = new float[plane];
            float[] hs = new float[(CHECKPOINT + 1) * plane];
            float[] decay = new float[CHECKPOINT * plane];
            for (int b = from; b < to; b++) {
                java.util.Arrays.fill(carry, 0f);
                int gaOff = b * av.length;
                for (int k = chunks - 1; k >= 0; k--) {
                    int t0 = k * CHECKPOINT;
                    int len = Math.min(CHECKPOINT, time - t0);
                    System.arraycopy(saved, (b * chunks + k) * plane, hs, 0, plane);
                    for (int j = 0; j < len; j++) {
                        int bt = b * time + t0 + j;
                        rows.decays(dv, bt * width, av, decay, j * plane, width, states);
                        for (int e = 0; e < width; e++) {
                            int i = bt * width + e;
                            rows.forward(hs, (j + 1) * plane + e * states, t0 + j == 0 ? -1 : j * plane + e * states,
                                    decay, j * plane + e * states, dv[i] * uv[i], bv, cv, bt * states, states);
                        }
                    }
                    for (int j = len - 1; j >= 0; j--) {
                        int bt = b * time + t0 + j;
                        for (int e = 0; e < width; e++) {
                            int i = bt * width + e;
                            float step = dv[i];
                            float x = uv[i];
                            rows.backward(gy[i], step, x, hs, (j + 1) * plane + e * states,
                                    t0 + j == 0 ? -1 : j * plane + e * states, decay, j * plane + e * states, av,
                                    carry, gaRows, gaOff, e * states, bv, cv, gb, gc, bt * states, states, sums);
                            gu[i] = step * sums[1];
                            gdt[i] = sums[0] + x * sums[1];
                        }
                    }
                }
            }
        });
        float[] ga = new float[av.length];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < ga.length; j++) {
                ga[j] += gaRows[b * ga.length + j];
            }
        }
        addIfWanted(u, gu);
        addIfWanted(dt, gdt);
        addIfWanted(a, ga);
        addIfWanted(bIn, gb);
        addIfWanted(c, gc);
    }

    /** {@link SsmLanes}' backward: rows in parallel, ∂A per row state-major, then summed in row order. */
    private static void backwardLanes(SsmLanes lanes, float[] gy, float[] saved, int batch, int time, int width,
            int states, Var u, Var dt, Var a, Var bIn, Var c) {
        int plane = width * states;
        float[] gu = new float[batch * time * width];
        float[] gdt = new float[gu.length];
        float[] gaRows = new float[batch * plane];
        float[] gb = new float[batch * time * states];
        float[] gc = new float[gb.length];
        Parallel.parallelFor(batch, 1, (from, to) -> {
            SsmLanes.Work w = lanes.work();
            for (int b = from; b < to; b++) {
                lanes.backwardRow(b, gy, saved, gu, gdt, gaRows, b * plane, gb, gc, w);
            }
        });
        float[] ga = new float[plane];
        for (int b = 0; b < batch; b++) {
            for (int e = 0; e < width; e++) {
                for (int n = 0; n < states; n++) {
                    ga[e * states + n] += gaRows[b * plane + n * width + e];
                }
            }
        }
        addIfWanted(u, gu);
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
     * One step of the scan, no gradient: {@code u, dt [B, E]}, {@code a [E, N]}, {@code bIn, c [B, N]};
     * advances {@code state [B, E, N]} in place and returns {@code y [B, E]}, equal to position t of
     * {@link #selectiveScan} when the state holds position t−1.
     */
    public static Tensor step(Tensor u, Tensor dt, Tensor a, Tensor bIn, Tensor c, Tensor state) {
        int[] s = u.shape();
        OpSupport.requireRank("selective scan step", "u", s, 2);
        int batch = s[0];
        int width = s[1];
        int states = a.shape()[1];
        OpSupport.requireShape("selective scan step", "dt", dt.shape(), batch, width);
        OpSupport.requireShape("selective scan step", "a", a.shape(), width, states);
        OpSupport.requireShape("selective scan step", "B", bIn.shape(), batch, states);
        OpSupport.requireShape("selective scan step", "C", c.shape(), batch, states);
        OpSupport.requireShape("selective scan step", "state", state.shape(), batch, width, states);
        if (state.offset() != 0) {
            throw new ShapeException("selective scan step: the state must be a dense tensor at offset 0");
        }
        float[] uv = ScanOps.dense(u);
        float[] dv = ScanOps.dense(dt);
        float[] av = ScanOps.dense(a);
        float[] bv = ScanOps.dense(bIn);
        float[] cv = ScanOps.dense(c);
        float[] h = state.data();
        float[] y = new float[batch * width];
        float[] decay = new float[width * states];
        SsmRows rows = SsmRows.get();
        for (int b = 0; b < batch; b++) {
            rows.decays(dv, b * width, av, decay, 0, width, states);
            for (int e = 0; e < width; e++) {
                int i = b * width + e;
                y[i] = rows.forward(h, i * states, i * states, decay, e * states, dv[i] * uv[i], bv, cv, b * states,
                        states);
            }
        }
        return Tensor.of(y, s);
    }
}
