package dev.joule.kernel.quant;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;

/**
 * The batched weight-only path: decode {@link #PANEL_ROWS} weight rows at a time to f32 into a
 * per-thread scratch and multiply them with Joule's f32 gemm ({@code y[:, panel] = x · panelᵀ}).
 * Panels are spread over {@link Parallel}'s threads; each gemm then runs inline on its thread.
 * The f32 gemm counts the multiply-accumulates in {@link dev.joule.tensor.OpCounter}.
 */
final class DequantizedPanels {
    /** Batches at least this large take this path (below it, per-row widening is cheaper). */
    static final int MIN_BATCH = 8;
    static final int PANEL_ROWS = 64;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /** Writes rows {@code o0 ..< o0 + rows} of the weights, as f32, row-major into {@code dst}. */
    @FunctionalInterface
    interface PanelDecoder {
        void decode(int o0, int rows, float[] dst);
    }

    private DequantizedPanels() {}

    static void gemm(float[] x, int xOff, int batch, int out, int in, PanelDecoder decoder, float[] y, int yOff) {
        int panels = (out + PANEL_ROWS - 1) / PANEL_ROWS;
        Kernels f32 = Kernels.get();
        Parallel.parallelFor(panels, 1, (p0, p1) -> {
            float[] panel = scratch(PANEL_ROWS * in);
            for (int p = p0; p < p1; p++) {
                int o0 = p * PANEL_ROWS, rows = Math.min(PANEL_ROWS, out - o0);
                decoder.decode(o0, rows, panel);
                f32.gemm(false, true, batch, rows, in, x, xOff, in, panel, 0, in, 0f, y, yOff + o0, out);
            }
        });
    }

    private static float[] scratch(int length) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < length) {
            holder[0] = new float[length];
        }
        return holder[0];
    }
}
