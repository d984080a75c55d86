package dev.joule.kernel;

/**
 * The products of {@link PackedMatrix}: weights packed once into {@link VectorGemm}'s panels, then
 * multiplied with its blocking and k order (so with {@link VectorGemm#gemm}'s results), or, for the
 * full panels of a product of at most {@link #SMALL_ROWS} rows, by {@link NativeGemm} when it is in use.
 */
abstract class VectorPrepackedGemm extends VectorGemm {
    /**
     * {@code op(B)} ({@code k × n}) packed once into the full-depth panels {@link #gemmPrepacked}
     * reads: weights packed at load instead of on every call (what ONNX Runtime does), which pays
     * most when A has few rows and each B value meets only a handful of them.
     */
    final float[] packWeights(boolean transB, float[] b, int bOff, int ldb, int k, int n) {
        int nr = 2 * species().length();
        float[] pb = new float[packedBLength(k, n, nr)];
        packB(transB, b, bOff, ldb, 0, k, n, pb, 0);
        return pb;
    }

    /**
     * {@code C = A · B + beta · C} with B from {@link #packWeights} ({@code k × n}) and A
     * untransposed ({@code m × k}), then {@code epilogue} (may be null) on each block of C as soon as
     * it is done. Same blocking and k order as {@link #gemm}, so the same results; the output is split
     * across threads as there (row bands when C is tall, column panels when wide).
     */
    final void gemmPrepacked(int m, int n, int k, float[] a, int aOff, int lda, float[] pb,
                             float beta, float[] c, int cOff, int ldc, GemmEpilogue epilogue) {
        if (m <= 0 || n <= 0) {
            return;
        }
        recordGemm(m, n, k, beta);
        int nr = 2 * species().length();
        int kcMax = depthSlice(m);
        if ((long) m * n * k < 2 * PARALLEL_MACS || Parallel.insideParallelSection()) {
            prepackedBand(kcMax, m, n, k, a, aOff, lda, pb, 0, beta, c, cOff, ldc);
            GemmEpilogue.whole(epilogue, c, cOff, ldc, m, n);
        } else if (m >= n) {
            int units = (m + MR - 1) / MR;
            int grain = (int) Math.max(1, PARALLEL_MACS / ((long) MR * n * k));
            Parallel.parallelFor(units, grain, (u0, u1) -> {
                int r0 = u0 * MR;
                int r1 = Math.min(u1 * MR, m);
                blocked(kcMax, false, r1 - r0, n, k, a, aOff + r0 * lda, lda, pb, 0, beta, c, cOff + r0 * ldc, ldc);
                GemmEpilogue.whole(epilogue, c, cOff + r0 * ldc, ldc, r1 - r0, n);
            });
        } else {
            // Column panels are independent, so threads may claim them as they come free.
            int units = (n + nr - 1) / nr;
            int grain = (int) Math.max(1, PARALLEL_MACS / ((long) nr * m * k));
            Parallel.parallelForBalanced(units, Parallel.balancedChunks(units, grain), (u0, u1) -> {
                int j0 = u0 * nr;
                int cols = Math.min(u1 * nr, n) - j0;
                prepackedBand(kcMax, m, cols, k, a, aOff, lda, pb, u0 * k * nr, beta, c, cOff + j0, ldc);
                if (epilogue != null) {
                    epilogue.apply(c, cOff + j0, ldc, m, j0, cols);
                }
            });
        }
    }

    /** {@code -Djoule.gemm.native=false} keeps few-row products on the Java kernels ({@link NativeGemm}). */
    private static final boolean NATIVE_FEW_ROWS = Boolean.parseBoolean(System.getProperty("joule.gemm.native", "true"));

    /**
     * Columns {@code [0, n)} of a product with pre-packed B ({@code pb} from panel offset {@code pbOff}):
     * the full panels of a few-row product through {@link NativeGemm} when it is in use (it prefetches
     * the weight stream, which Java cannot; same results, bit for bit), the rest through {@link #blocked}.
     */
    private void prepackedBand(int kcMax, int m, int n, int k, float[] a, int aOff, int lda, float[] pb, int pbOff,
                               float beta, float[] c, int cOff, int ldc) {
        int nr = 2 * species().length();
        int full = n / nr;
        // One k slice (k <= kcMax) and C overwritten: the native kernel's one FMA chain per output is then
        // exactly what blocked computes.
        boolean fewRows = m <= SMALL_ROWS && k <= kcMax && beta == 0f && nr == NativeGemm.PANEL;
        if (fewRows && full > 0 && NATIVE_FEW_ROWS && NativeGemm.available()
                && NativeGemm.multiply(m, k, a, aOff, lda, pb, pbOff, full, c, cOff, ldc)) {
            if (full * nr < n) {
                blocked(kcMax, false, m, n - full * nr, k, a, aOff, lda, pb, pbOff + full * k * nr, beta,
                        c, cOff + full * nr, ldc);
            }
            return;
        }
        blocked(kcMax, false, m, n, k, a, aOff, lda, pb, pbOff, beta, c, cOff, ldc);
    }
}
