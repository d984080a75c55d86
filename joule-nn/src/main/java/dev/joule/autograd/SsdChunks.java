package dev.joule.autograd;

/**
 * The per-row kernels of {@link SsdOps}: one batch row's chunks, all heads, forward and backward.
 *
 * <pre>
 *   in a chunk of length Q starting at t0, for head h (P columns) and positions l, s in [0, Q):
 *     da_l = exp(dt_l·a_h)        L[l,s] = da_l·L[l−1,s] (s < l), L[l,l] = 1    e_l = L[l,0]·da_0 = exp(cum_l)
 *     G[l,s] = c_l·b_s  (all heads: one group)
 *     y_l = e_l·(S_prev·c_l) + Σ_{s≤l} G[l,s]·L[l,s]·dt_s·x_s
 *     S_next = e_{Q−1}·S_prev + Σ_s L[Q−1,s]·dt_s·x_s ⊗ b_s
 * </pre>
 *
 * Backward collects {@code ∂cum_l} (the gradient with respect to the running sum of {@code dt·a} at l: every
 * factor {@code L[l,s]} contributes {@code +} at l and {@code −} at s) and turns it into {@code ∂(dt·a)} by a
 * reverse cumulative sum over the chunk.
 */
final class SsdChunks {
    final int batch;
    final int time;
    final int heads;
    final int head;
    final int states;
    final int chunk;
    final int chunks;
    final int width;
    private float[] x;
    private float[] dt;
    private float[] a;
    private float[] b;
    private float[] c;

    SsdChunks(int batch, int time, int heads, int head, int states, int chunk) {
        this.batch = batch;
        this.time = time;
        this.heads = heads;
        this.head = head;
        this.states = states;
        this.chunk = chunk;
        this.chunks = (time + chunk - 1) / chunk;
        this.width = heads * head;
    }

    void bind(float[] xv, float[] dtv, float[] av, float[] bv, float[] cv) {
        this.x = xv;
        this.dt = dtv;
        this.a = av;
        this.b = bv;
        this.c = cv;
    }

    /** Scratch of one worker: G and L (Q×Q), the per-position decays and gradients, ∂S of every head. */
    static final class Work {
        final float[] g;
        final float[] l;
        final float[] e;
        final float[] gcum;
        final float[] gx;
        final float[] gs;
        final float[] tmp;

        Work(SsdChunks k) {
            g = new float[k.chunk * k.chunk];
            l = new float[k.chunk * k.chunk];
            e = new float[k.chunk];
            gcum = new float[k.chunk];
            gx = new float[k.chunk * k.head];
            gs = new float[k.heads * k.head * k.states];
            tmp = new float[Math.max(k.head, k.states)];
        }
    }

    Work work() {
        return new Work(this);
    }

    /** Multiply-accumulates of one chunked forward: Gram, intra-chunk, chunk-start readout and state update. */
    long macs() {
        long total = 0;
        for (int k = 0; k < chunks; k++) {
            long len = Math.min(chunk, time - (long) k * chunk);
            long pairs = len * (len + 1) / 2;
            total += pairs * states + heads * (pairs * head + len * (long) head * states * 2);
        }
        return batch * total;
    }

    private int savedAt(int row, int h, int k) {
        return ((row * heads + h) * chunks + k) * head * states;
    }

    /** {@code G[l,s] = c_l·b_s} for s ≤ l of the chunk at t0. */
    private void gram(int row, int t0, int len, float[] g) {
        for (int l = 0; l < len; l++) {
            int cl = (row * time + t0 + l) * states;
            for (int s = 0; s <= l; s++) {
                int bs = (row * time + t0 + s) * states;
                float acc = 0;
                for (int n = 0; n < states; n++) {
                    acc += c[cl + n] * b[bs + n];
                }
                g[l * chunk + s] = acc;
            }
        }
    }

    /** The segment decays L and e = exp(cum) of head h in the chunk at t0, as running products. */
    private void decays(int row, int h, int t0, int len, float[] lm, float[] e) {
        float run = 1f;
        for (int l = 0; l < len; l++) {
            float da = (float) Math.exp(dt[(row * time + t0 + l) * heads + h] * a[h]);
            run *= da;
            e[l] = run;
            int r = l * chunk;
            if (l > 0) {
                int prev = r - chunk;
                for (int s = 0; s < l; s++) {
                    lm[r + s] = lm[prev + s] * da;
                }
            }
            lm[r + l] = 1f;
        }
    }

    void forwardRow(int row, float[] y, float[] saved, Work w) {
        for (int k = 0; k < chunks; k++) {
            int t0 = k * chunk;
            int len = Math.min(chunk, time - t0);
            gram(row, t0, len, w.g);
            for (int h = 0; h < heads; h++) {
                decays(row, h, t0, len, w.l, w.e);
                int sp = savedAt(row, h, k);
                for (int l = 0; l < len; l++) {
                    int t = t0 + l;
                    int yo = (row * time + t) * width + h * head;
                    int cl = (row * time + t) * states;
                    for (int p = 0; p < head; p++) {
                        float acc = 0;
                        int so = sp + p * states;
                        for (int n = 0; n < states; n++) {
                            acc += saved[so + n] * c[cl + n];
                        }
                        y[yo + p] = w.e[l] * acc;
                    }
                    for (int s = 0; s <= l; s++) {
                        int ts = (row * time + t0 + s);
                        float coef = w.g[l * chunk + s] * w.l[l * chunk + s] * dt[ts * heads + h];
                        int xo = ts * width + h * head;
                        for (int p = 0; p < head; p++) {
                            y[yo + p] += coef * x[xo + p];
                        }
                    }
                }
                if (k + 1 < chunks) {
                    nextState(row, h, t0, len, saved, sp, savedAt(row, h, k + 1), w);
                }
            }
        }
    }

    /** {@code S_next = e_last·S_prev + Σ_s L[last,s]·dt_s·x_s ⊗ b_s}. */
    private void nextState(int row, int h, int t0, int len, float[] saved, int sp, int next, Work w) {
        int ps = head * states;
        float decay = w.e[len - 1];
        for (int i = 0; i < ps; i++) {
            saved[next + i] = decay * saved[sp + i];
        }
        int last = (len - 1) * chunk;
        for (int s = 0; s < len; s++) {
            int ts = row * time + t0 + s;
            float weight = w.l[last + s] * dt[ts * heads + h];
            int xo = ts * width + h * head;
            int bo = ts * states;
            for (int p = 0; p < head; p++) {
                float wx = weight * x[xo + p];
                int so = next + p * states;
                for (int n = 0; n < states; n++) {
                    saved[so + n] += wx * b[bo + n];
                }
            }
        }
    }

    void backwardRow(int row, float[] gy, float[] saved, float[] gxOut, float[] gdt, float[] gaRows, float[] gb,
            float[] gc, Work w) {
        java.util.Arrays.fill(w.gs, 0f);
        for (int k = chunks - 1; k >= 0; k--) {
            int t0 = k * chunk;
            int len = Math.min(chunk, time - t0);
            gram(row, t0, len, w.g);
            for (int h = 0; h < heads; h++) {
                decays(row, h, t0, len, w.l, w.e);
                java.util.Arrays.fill(w.gcum, 0, len, 0f);
                java.util.Arrays.fill(w.gx, 0, len * head, 0f);
                int sp = savedAt(row, h, k);
                int gsOff = h * head * states;
                if (k + 1 < chunks) {
                    fromNextState(row, h, t0, len, saved, sp, gb, w, gsOff);
                }
                fromOutputs(row, h, t0, len, gy, saved, sp, gb, gc, w, gsOff);
                finishChunk(row, h, t0, len, gxOut, gdt, gaRows, w);
            }
        }
    }

    /** Gradients through {@code S_next}; leaves {@code ∂S_prev = e_last·∂S_next} in w.gs for this head. */
    private void fromNextState(int row, int h, int t0, int len, float[] saved, int sp, float[] gb, Work w,
            int gsOff) {
        int ps = head * states;
        float decay = w.e[len - 1];
        float dot = 0;
        for (int i = 0; i < ps; i++) {
            dot += w.gs[gsOff + i] * saved[sp + i];
        }
        w.gcum[len - 1] += decay * dot;
        int last = (len - 1) * chunk;
        float[] gsb = w.tmp;
        for (int s = 0; s < len; s++) {
            int ts = row * time + t0 + s;
            float weight = w.l[last + s];
            float step = dt[ts * heads + h];
            int xo = ts * width + h * head;
            int bo = ts * states;
            float q = 0;
            for (int p = 0; p < head; p++) {
                int so = gsOff + p * states;
                float acc = 0;
                for (int n = 0; n < states; n++) {
                    acc += w.gs[so + n] * b[bo + n];
                }
                float xs = step * x[xo + p];
                w.gx[s * head + p] += weight * acc;
                q += xs * acc;
            }
            q *= weight;
            w.gcum[len - 1] += q;
            w.gcum[s] -= q;
            java.util.Arrays.fill(gsb, 0, states, 0f);
            for (int p = 0; p < head; p++) {
                float wx = weight * step * x[xo + p];
                int so = gsOff + p * states;
                for (int n = 0; n < states; n++) {
                    gsb[n] += wx * w.gs[so + n];
                }
            }
            for (int n = 0; n < states; n++) {
                gb[bo + n] += gsb[n];
            }
        }
        for (int i = 0; i < ps; i++) {
            w.gs[gsOff + i] *= decay;
        }
    }

    /** Gradients through the chunk's outputs: the chunk-start readout and the masked intra-chunk form. */
    private void fromOutputs(int row, int h, int t0, int len, float[] gy, float[] saved, int sp, float[] gb,
            float[] gc, Work w, int gsOff) {
        for (int l = 0; l < len; l++) {
            int tl = row * time + t0 + l;
            int yo = tl * width + h * head;
            int cl = tl * states;
            float el = w.e[l];
            float readout = 0;
            for (int p = 0; p < head; p++) {
                float g = gy[yo + p];
                int so = sp + p * states;
                int go = gsOff + p * states;
                float acc = 0;
                for (int n = 0; n < states; n++) {
                    acc += saved[so + n] * c[cl + n];
                    gc[cl + n] += el * g * saved[so + n];
                    w.gs[go + n] += el * g * c[cl + n];
                }
                readout += g * acc;
            }
            w.gcum[l] += el * readout;
            for (int s = 0; s <= l; s++) {
                int ts = row * time + t0 + s;
                float step = dt[ts * heads + h];
                int xo = ts * width + h * head;
                float decay = w.l[l * chunk + s];
                float m = w.g[l * chunk + s] * decay;
                float gm = 0;
                for (int p = 0; p < head; p++) {
                    float g = gy[yo + p];
                    gm += g * step * x[xo + p];
                    w.gx[s * head + p] += m * g;
                }
                float r = gm * m;
                w.gcum[l] += r;
                w.gcum[s] -= r;
                float gg = gm * decay;
                int bs = ts * states;
                for (int n = 0; n < states; n++) {
                    gc[cl + n] += gg * b[bs + n];
                    gb[bs + n] += gg * c[cl + n];
                }
            }
        }
    }

    /** ∂X → ∂x and ∂dt; ∂cum → ∂(dt·a) by a reverse cumulative sum → ∂dt and this row's ∂a. */
    private void finishChunk(int row, int h, int t0, int len, float[] gxOut, float[] gdt, float[] gaRows, Work w) {
        float suffix = 0;
        float ga = 0;
        for (int s = len - 1; s >= 0; s--) {
            int ts = row * time + t0 + s;
            float step = dt[ts * heads + h];
            int xo = ts * width + h * head;
            float dotX = 0;
            for (int p = 0; p < head; p++) {
                float g = w.gx[s * head + p];
                gxOut[xo + p] += step * g;
                dotX += x[xo + p] * g;
            }
            suffix += w.gcum[s];
            gdt[ts * heads + h] += dotX + suffix * a[h];
            ga += suffix * step;
        }
        gaRows[row * heads + h] += ga;
    }
}
