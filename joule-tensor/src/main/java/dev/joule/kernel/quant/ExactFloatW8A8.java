package dev.joule.kernel.quant;

/**
 * Batched W8A8 on the f32 FMA units, still exact: codes are at most 127 in magnitude, so a product
 * is at most {@code 127² = 16129} and a sum of {@link #K_CHUNK} = 1024 of them stays below
 * {@code 16129 · 1040 < 2^24}. Every partial sum is then an integer that f32 represents exactly,
 * whatever the summation order or FMA use, so the f32 register tile over the codes (activations
 * decoded to f32 once per call) returns the exact integer sums chunk by chunk; chunks are added in
 * int32. The results equal {@link ScalarQuantKernels#accumulateW8A8} bit for bit.
 *
 * <p>Why: the Vector API has no int8 dot instruction, and widening to int32 needs a separate
 * multiply and add per lane, while the f32 tile does one FMA per lane and reuses every loaded
 * value four times. With a batch of rows that reuse is worth more than integer lanes.
 */
final class ExactFloatW8A8 {
    /** Reduction chunk: 1024 · 127² < 2^24, so each chunk's f32 sums are exact integers. */
    static final int K_CHUNK = 1024;
    private static final int G = VectorQuantKernels.GROUP;

    private ExactFloatW8A8() {}

    /**
     * Output rows {@code o0 ..< o1} for every batch row: the int32 sums into {@code acc} when
     * {@code y} is null, else the scaled f32 outputs into {@code y} (row-major [batch, out]).
     */
    static void rows(VectorQuantTiles tiles, float[] xf, Int8Activations x, Int8Matrix w, int o0, int o1,
                     int[] acc, int accOff, float[] y, int yOff) {
        int batch = x.rows(), out = w.rows(), in = w.cols();
        float[] part = new float[G * G];
        int[] sums = new int[G * G];
        float[] one = new float[G];
        boolean tiled = batch >= VectorQuantKernels.TILE_MIN_BATCH;
        for (int o = o0; o < o1; o += G) {
            int nw = Math.min(G, o1 - o);
            for (int b = 0; b < batch; b += tiled ? G : 1) {
                int nx = tiled ? Math.min(G, batch - b) : 1;
                java.util.Arrays.fill(sums, 0);
                for (int k0 = 0; k0 < in; k0 += K_CHUNK) {
                    int k1 = Math.min(in, k0 + K_CHUNK);
                    if (tiled) {
                        tiles.tile4x4(xf, b * in, nx, w.codes(), o * in, nw, in, k0, k1, part);
                    } else {
                        // one activation row: sums[r] for r < 4 land where the tile puts column 0
                        tiles.dots4(xf, b * in, w.codes(), o * in, nw, in, k0, k1, one);
                        for (int r = 0; r < G; r++) {
                            part[G * r] = one[r];
                        }
                    }
                    for (int i = 0; i < G * G; i++) {
                        sums[i] += (int) part[i];
                    }
                }
                for (int r = 0; r < nw; r++) {
                    for (int c = 0; c < nx; c++) {
                        int at = (b + c) * out + o + r;
                        if (y == null) {
                            acc[accOff + at] = sums[G * r + c];
                        } else {
                            y[yOff + at] = (float) sums[G * r + c] * (x.scales()[b + c] * w.scales()[o + r]);
                        }
                    }
                }
            }
        }
    }
}
