package dev.joule.kernel.quant;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;

/**
 * Batched W8A8 on the f32 FMA units, still exact: codes are at most 127 in magnitude, so a product
 * is at most {@code 127² = 16129} and a sum of {@link #K_CHUNK} = 1024 of them stays below
 * {@code 16129 · 1040 < 2^24}. Every partial sum is then an integer that f32 represents exactly,
 * whatever the summation order or FMA use, so Joule's f32 gemm over the decoded codes returns the
 * exact integer sums chunk by chunk; chunks are added in int32. The results equal
 * {@link ScalarQuantKernels#accumulateW8A8} bit for bit.
 *
 * <p>Why: the Vector API has no int8 dot instruction, and widening to int32 needs a separate
 * multiply and add per lane, while the f32 gemm micro-kernel does one FMA per lane from registers
 * and reuses every loaded value across a 6 × 2-vector tile. With a batch of rows that reuse is
 * worth more than the 4× smaller operands.
 */
final class ExactFloatW8A8 {
    /** Batches at least this large take this path. */
    static final int MIN_BATCH = 8;
    /** Reduction chunk: 1024 · 127² < 2^24, so each chunk's f32 sums are exact integers. */
    static final int K_CHUNK = 1024;
    private static final int PANEL_ROWS = 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Writes rows {@code r0 ..< r0 + rows} of row-major codes as exact f32 into {@code dst}. */
    @FunctionalInterface
    interface CodeDecoder {
        void decode(byte[] codes, int r0, int rows, float[] dst);
    }

    private ExactFloatW8A8() {}

    /** Sums into {@code acc} (when {@code y} is null) or scaled outputs into {@code y}, row-major [batch, out]. */
    static void run(Int8Activations x, Int8Matrix w, int[] acc, int accOff, float[] y, int yOff, CodeDecoder decoder) {
        int batch = x.rows(), out = w.rows(), in = w.cols();
        float[] xf = new float[batch * in];
        decoder.decode(x.codes(), 0, batch, xf);
        int panels = (out + PANEL_ROWS - 1) / PANEL_ROWS;
        Kernels f32 = Kernels.get();
        Parallel.parallelFor(panels, 1, (p0, p1) -> {
            Scratch s = SCRATCH.get();
            float[] panel = s.panel(PANEL_ROWS * in);
            float[] part = s.part(batch * PANEL_ROWS);
            int[] sums = s.sums(batch * PANEL_ROWS);
            for (int p = p0; p < p1; p++) {
                int o0 = p * PANEL_ROWS, rows = Math.min(PANEL_ROWS, out - o0);
                decoder.decode(w.codes(), o0, rows, panel);
                java.util.Arrays.fill(sums, 0, batch * rows, 0);
                for (int k0 = 0; k0 < in; k0 += K_CHUNK) {
                    int kc = Math.min(K_CHUNK, in - k0);
                    // panel · xᵀ: the panel is read in place, the small activations are packed (see DequantizedPanels).
                    f32.gemm(false, true, rows, batch, kc, panel, k0, in, xf, k0, in, 0f, part, 0, batch);
                    for (int i = 0; i < batch * rows; i++) {
                        sums[i] += (int) part[i];
                    }
                }
                store(sums, x.scales(), w.scales(), batch, rows, o0, out, acc, accOff, y, yOff);
            }
        });
    }

    private static void store(int[] sums, float[] xs, float[] ws, int batch, int rows, int o0, int out,
                              int[] acc, int accOff, float[] y, int yOff) {
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                int sum = sums[r * batch + b];
                if (y == null) {
                    acc[accOff + b * out + o0 + r] = sum;
                } else {
                    y[yOff + b * out + o0 + r] = (float) sum * (xs[b] * ws[o0 + r]);
                }
            }
        }
    }

    /** Per-thread buffers, grown on demand and reused. */
    private static final class Scratch {
        private float[] panel = new float[0];
        private float[] part = new float[0];
        private int[] sums = new int[0];

        float[] panel(int n) {
            if (panel.length < n) {
                panel = new float[n];
            }
            return panel;
        }

        float[] part(int n) {
            if (part.length < n) {
                part = new float[n];
            }
            return part;
        }

        int[] sums(int n) {
            if (sums.length < n) {
                sums = new int[n];
            }
            return sums;
        }
    }
}
