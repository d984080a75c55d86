package dev.joule.kernel.quant;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;

/**
 * The batched weight-only path: decode {@link #PANEL_ROWS} weight rows at a time to f32 into a
 * per-thread scratch and multiply them with Joule's f32 gemm as {@code panel · xᵀ} (the panel is the
 * {@code m × k} operand, read in place; the small activation matrix is the one gemm packs), then
 * transpose the {@code rows × batch} result into {@code y}. Measured on a Xeon, the other
 * orientation ({@code x · panelᵀ}) made gemm pack the large operand and ran 2.4× slower.
 * Panels are spread over {@link Parallel}'s threads; each gemm then runs inline on its thread.
 * The f32 gemm counts the multiply-accumulates in {@link dev.joule.tensor.OpCounter}.
 */
final class DequantizedPanels {
    /** Batches at least this large take this path (below it, per-row widening is cheaper). */
    static final int MIN_BATCH = 8;
    static final int PANEL_ROWS = 64;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

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
            float[] panel = scratch(0, PANEL_ROWS * in);
            float[] yT = scratch(1, PANEL_ROWS * batch);
            for (int p = p0; p < p1; p++) {
                int o0 = p * PANEL_ROWS, rows = Math.min(PANEL_ROWS, out - o0);
                decoder.decode(o0, rows, panel);
                f32.gemm(false, true, rows, batch, in, panel, 0, in, x, xOff, in, 0f, yT, 0, batch);
                for (int r = 0; r < rows; r++) {
                    for (int b = 0; b < batch; b++) {
                        y[yOff + b * out + o0 + r] = yT[r * batch + b];
                    }
                }
            }
        });
    }

    /** This thread's buffer number {@code which}, at least {@code length} long (grown, never shrunk). */
    private static float[] scratch(int which, int length) {
        float[][] holder = SCRATCH.get();
        if (holder[which].length < length) {
            holder[which] = new float[length];
        }
        return holder[which];
    }
}
