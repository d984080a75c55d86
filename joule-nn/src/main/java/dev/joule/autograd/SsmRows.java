package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.tensor.OpCounter;

/**
 * The inner loops of the selective scan: one (position, channel) pair over its N states. Scalar here (the
 * oracle); {@link SsmRowsVector} does the same on the Vector API when the engine's vector kernels are active.
 *
 * <pre>
 *   states of one (b, t, e): h[hOff .. hOff+N), previous position's at prevOff (−1: zeros)
 *   a, carry, ∂a rows: index aOff + n (= e·N + n); decay: forward aOff + n, backward decOff + n (its own buffer)
 *   B, C, ∂B, ∂C: index bOff + n (= (b·T + t)·N + n)
 * </pre>
 */
class SsmRows {
    private static final SsmRows INSTANCE = Kernels.get().name().startsWith("vector") ? new SsmRowsVector()
            : new SsmRows();

    static SsmRows get() {
        return INSTANCE;
    }

    static SsmRows scalar() {
        return new SsmRows();
    }

    /** {@code decay[out + e·N + n] = exp(dt[dtOff + e]·a[e·N + n])} for one position's E channels. */
    void decays(float[] dt, int dtOff, float[] a, float[] decay, int out, int width, int n) {
        OpCounter.record(0, 2L * width * n, 8L * width * n);
        for (int e = 0; e < width; e++) {
            float step = dt[dtOff + e];
            int row = e * n;
            for (int i = 0; i < n; i++) {
                decay[out + row + i] = (float) Math.exp(step * a[row + i]);
            }
        }
    }

    /** {@code h = decay ⊙ prev + x·B}; returns {@code C·h}. */
    float forward(float[] h, int hOff, int prevOff, float[] decay, int aOff, float x, float[] b, float[] c, int bOff,
            int n) {
        float acc = 0;
        for (int i = 0; i < n; i++) {
            float prev = prevOff < 0 ? 0f : h[prevOff + i];
            float next = decay[aOff + i] * prev + x * b[bOff + i];
            h[hOff + i] = next;
            acc += c[bOff + i] * next;
        }
        return acc;
    }

    /**
     * One reverse step: {@code δ = gy·C + carry}; adds {@code gy·h} to ∂C, {@code δ·dt·u} to ∂B,
     * {@code δ·prev·decay·dt} to ∂a; sets {@code carry = decay ⊙ δ}. Writes {@code Σ δ·prev·decay·a} to
     * {@code sums[0]} and {@code Σ δ·B} to {@code sums[1]}.
     */
    void backward(float gy, float step, float x, float[] h, int hOff, int prevOff, float[] decay, int decOff,
            float[] a,
            float[] carry, float[] gaRows, int gaOff, int aOff, float[] b, float[] c, float[] gb, float[] gc,
            int bOff, int n, float[] sums) {
        float sumDecay = 0;
        float sumB = 0;
        float stepX = step * x;
        for (int i = 0; i < n; i++) {
            int ai = aOff + i;
            int bi = bOff + i;
            gc[bi] += gy * h[hOff + i];
            float delta = gy * c[bi] + carry[ai];
            float prev = prevOff < 0 ? 0f : h[prevOff + i];
            float gDecay = delta * prev * decay[decOff + i];
            sumDecay += gDecay * a[ai];
            sumB += delta * b[bi];
            gaRows[gaOff + ai] += gDecay * step;
            gb[bi] += delta * stepX;
            carry[ai] = decay[decOff + i] * delta;
        }
        sums[0] = sumDecay;
        sums[1] = sumB;
    }
}
