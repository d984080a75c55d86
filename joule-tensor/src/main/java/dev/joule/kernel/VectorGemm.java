package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API f32 gemm: operands packed into contiguous panels ({@link GemmPacking}), a
 * register-blocked micro-kernel of {@value #MR} rows × two vectors (pairs of row panels take the
 * twelve-row kernels of {@link VectorTallKernel} with 512-bit vectors; a partial last row panel takes the
 * 5- to 1-row kernels of {@link VectorEdgeKernel}), cache blocking over k, and the
 * output split across {@link Parallel}'s threads. Tiny problems take the scalar loops and
 * matrix-vector shapes ({@code m == 1} or {@code n == 1}) take {@link VectorGemv}.
 *
 * <p>Blocking (after Goto and BLIS): B is packed once per call into full-depth panels of two
 * vectors' width (for a tall C by all threads together, then shared). Each row band of C walks
 * {@value #NC}-column blocks and {@value #KC}-deep slices of k; for each {@value #MC}-row block, A
 * is packed (it stays in L2) and meets every B panel slice ({@code KC × 2 vectors}, L1). Products
 * of at most {@link #SMALL_ROWS} rows take deeper slices ({@link #depthSlice}): they stream B from
 * memory, and one sweep over it beats interleaved partial ones. The k order and the slicing depend on
 * the whole product's shape only, never on the thread count, so results do not depend on it.
 *
 * <p>The species comes from {@link #species()} (see {@link VectorPrimitives}).
 */
abstract class VectorGemm extends VectorTallKernel {
    /** Depth of a k slice; a B panel slice (KC × 2 vectors) should sit in L1. Tunable for other CPUs. */
    static final int KC = Math.max(1, Integer.getInteger("joule.gemm.kc", 256));
    /**
     * Products with at most this many rows of C (a sentence at batch 1, in tokens) take k in slices of
     * up to {@link #KC_SMALL} instead of {@link #KC}. With so few rows every B value meets only a
     * handful of A rows, the product streams B from memory, and 256-deep slices make that stream two
     * interleaved sweeps with gaps (k = 384) or six (k = 1536); one sweep over full-depth panels is
     * 10-30 % faster at 15-24 rows (MiniLM's 36 weight matrices, 1 and 2 threads). Decided on the
     * whole product's rows, before any split across threads, so results do not depend on the thread count.
     */
    static final int SMALL_ROWS = Integer.getInteger("joule.gemm.smallRows", 48);
    /** The k slice of few-row products (see {@link #SMALL_ROWS}); a packed A block of them is at most 48 × this. */
    static final int KC_SMALL = Math.max(KC, Integer.getInteger("joule.gemm.kcSmall", 2048));

    /** Depth of the k slices for a product with {@code m} rows of C in all. */
    static int depthSlice(int m) {
        return m <= SMALL_ROWS ? KC_SMALL : KC;
    }

    /** Rows of A packed at once (a multiple of MR); the packed block should sit in L2. Tunable too. */
    static final int MC = Math.max(MR, Integer.getInteger("joule.gemm.mc", 96) / MR * MR);
    /** A multiple of every panel width (2 × 4, 8 or 16 lanes). */
    static final int NC = 1024;
    /** Below this many MACs the packing overhead is not worth it. */
    private static final long TINY_MACS = 512;
    /** Packed B is built in column blocks of at most this many floats (8 MiB). */
    private static final long MAX_PACKED_B = 1 << 21;
    /** Each thread packs at least about this many floats of B. */
    private static final int PACK_PER_THREAD = 1 << 16;
    /** Each thread's share of a parallel gemm is at least this many MACs (~5 µs); workers spin between sections. */
    static final long PARALLEL_MACS = 1 << 18;


    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        recordGemm(m, n, k, beta);
        if ((long) m * n * k <= TINY_MACS) {
            gemmLoops(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (m == 1 || n == 1) {
            gemv(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            gemmParallel(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int aStride, int lda,
                            float[] b, int bOff, int bStride, int ldb,
                            float beta, float[] c, int cOff, int cStride, int ldc) {
        long macs = (long) m * n * k;
        // Small problems: one batch entry per task; each gemm then runs inline on its thread.
        int grain = (int) Math.max(1, Math.min(batch, PARALLEL_MACS / Math.max(1, macs)));
        Parallel.parallelFor(batch, grain, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                gemm(transA, transB, m, n, k, a, aOff + t * aStride, lda, b, bOff + t * bStride, ldb,
                        beta, c, cOff + t * cStride, ldc);
            }
        });
    }

    /**
     * Small problems run on the calling thread. Otherwise, tall C: B is packed once, by all threads
     * together, then row bands of C run in parallel; wide C: column bands run in parallel, each
     * packing its own slice of B.
     */
    private void gemmParallel(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        int nr = 2 * species().length();
        int kcMax = depthSlice(m);
        int blockCols = Math.max(nr, (int) (MAX_PACKED_B / k) / nr * nr);
        if ((long) m * n * k < 2 * PARALLEL_MACS || Parallel.insideParallelSection()) {
            // One thread: no tasks, no lambdas; B in column blocks, packed here.
            for (int j0 = 0; j0 < n; j0 += blockCols) {
                int cols = Math.min(blockCols, n - j0);
                float[] pb = GemmScratch.get().packedB(packedBLength(k, cols, nr));
                packB(transB, b, bOff + (transB ? j0 * ldb : j0), ldb, 0, k, cols, pb, 0);
                blocked(kcMax, transA, m, cols, k, a, aOff, lda, pb, 0, beta, c, cOff + j0, ldc);
            }
        } else if (m >= n) {
            int units = (m + MR - 1) / MR;
            int grain = (int) Math.max(1, PARALLEL_MACS / ((long) MR * n * k));
            for (int j0 = 0; j0 < n; j0 += blockCols) {
                int cols = Math.min(blockCols, n - j0);
                float[] pb = packBParallel(transB, b, bOff + (transB ? j0 * ldb : j0), ldb, k, cols, nr);
                int cBlock = cOff + j0;
                Parallel.parallelFor(units, grain, (u0, u1) -> {
                    int r0 = u0 * MR;
                    int r1 = Math.min(u1 * MR, m);
                    blocked(kcMax, transA, r1 - r0, cols, k, a, aOff + (transA ? r0 : r0 * lda), lda,
                            pb, 0, beta, c, cBlock + r0 * ldc, ldc);
                });
            }
        } else {
            int units = (n + nr - 1) / nr;
            int grain = (int) Math.max(1, PARALLEL_MACS / ((long) nr * m * k));
            Parallel.parallelFor(units, grain, (u0, u1) -> {
                int c1 = Math.min(u1 * nr, n);
                for (int j0 = u0 * nr; j0 < c1; j0 += blockCols) {
                    int cols = Math.min(blockCols, c1 - j0);
                    float[] pb = GemmScratch.get().packedB(packedBLength(k, cols, nr));
                    packB(transB, b, bOff + (transB ? j0 * ldb : j0), ldb, 0, k, cols, pb, 0);
                    blocked(kcMax, transA, m, cols, k, a, aOff, lda, pb, 0, beta, c, cOff + j0, ldc);
                }
            });
        }
    }

    static int packedBLength(int k, int cols, int nr) {
        return k * ((cols + nr - 1) / nr) * nr;
    }

    /** Packs {@code op(B)[0..k, 0..cols]} as full-depth panels, the panels split across threads. */
    private float[] packBParallel(boolean transB, float[] b, int bOff, int ldb, int k, int cols, int nr) {
        float[] pb = GemmScratch.get().packedB(packedBLength(k, cols, nr));
        int panels = (cols + nr - 1) / nr;
        int grain = Math.max(1, PACK_PER_THREAD / (k * nr));
        Parallel.parallelFor(panels, grain, (q0, q1) -> {
            int j0 = q0 * nr;
            int j1 = Math.min(q1 * nr, cols);
            packB(transB, b, bOff, ldb, j0, k, j1 - j0, pb, q0 * k * nr);
        });
        return pb;
    }

    /**
     * Packs {@code op(B)[0..k, j0..j0+cols]} as full-depth panels from {@code dstOff}: full panels
     * of an untransposed B are two vector copies per row; the rest is {@link GemmPacking#packB}.
     */
    final void packB(boolean transB, float[] b, int bOff, int ldb, int j0, int k, int cols,
                       float[] pb, int dstOff) {
        VectorSpecies<Float> sp = species();
        int vl = sp.length();
        int nr = 2 * vl;
        int full = transB ? 0 : cols / nr * nr;
        for (int col = 0; col < full; col += nr) {
            int dst = dstOff + col * k;
            int src = bOff + j0 + col;
            for (int p = 0; p < k; p++, dst += nr, src += ldb) {
                FloatVector.fromArray(sp, b, src).intoArray(pb, dst);
                FloatVector.fromArray(sp, b, src + vl).intoArray(pb, dst + vl);
            }
        }
        if (full < cols) {
            GemmPacking.packB(transB, b, bOff, ldb, 0, j0 + full, k, cols - full, nr, pb, dstOff + full * k);
        }
    }

    /**
     * One band of C ({@code m × n}) against packed B ({@code pb}: full-depth panels of {@code nr}
     * columns, panel {@code q} at {@code q · k · nr}). A is packed block by block, or, when C has few
     * column panels ({@link #directA}), read in place: packing costs about as much per element as
     * the FMAs it then feeds when each A value meets only one or two B panels.
     */
    final void blocked(int kcMax, boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                         float[] pb, int pbOff, float beta, float[] c, int cOff, int ldc) {
        GemmScratch s = GemmScratch.get();
        s.fitPackedA((Math.min(m, MC) + MR - 1) / MR * MR * Math.min(kcMax, k));
        boolean direct = directA(n);
        // The twelve-row kernels only for bands of few rows, where they were measured to help (the weight
        // stream of a batch-1 sentence). On MiniLM at batch 32 (bands of hundreds of rows) they made about
        // half of the JVMs 2-2.5x slower for good (same inlining, so presumably C2's register allocation
        // of the 24 accumulators); the six-row kernels were fast in every JVM. Same results either way.
        boolean tall = tallKernels() && m <= SMALL_ROWS;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                int mode = pc > 0 || beta == 1f ? ADD : beta == 0f ? STORE : SCALE_ADD;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (direct) {
                        macroKernelDirect(s, tall, transA, a, aOff, lda, ic, pb, pbOff, jc, pc, k, mc, nc, kc,
                                c, cOff + ic * ldc + jc, ldc, mode, beta);
                    } else {
                        GemmPacking.packA(transA, a, aOff, lda, ic, pc, mc, kc, MR, s.packedA);
                        macroKernel(s, tall, pb, pbOff, jc, pc, k, mc, nc, kc, c, cOff + ic * ldc + jc, ldc, mode, beta);
                    }
                }
            }
        }
    }

    /** Reading A in place pays when C has at most this many column panels (a tunable knob). */
    static final int DIRECT_A_PANELS = Integer.getInteger("joule.gemm.directPanels", 4);

    private boolean directA(int n) {
        int nr = 2 * species().length();
        return (n + nr - 1) / nr <= DIRECT_A_PANELS;
    }

    /**
     * {@link #macroKernel} with A read in place: full six-row panels go straight to
     * {@link #microKernelDirect}; a last panel of fewer rows is packed (zero-padded) once and takes the
     * packed kernel. Edge columns go through the scratch tile as in {@link #macroKernel}.
     */
    private void macroKernelDirect(GemmScratch s, boolean tall, boolean transA, float[] a, int aOff, int lda, int i0,
                                   float[] pb, int pbOff, int jc, int pc, int k, int mc, int nc, int kc,
                                   float[] c, int cOff, int ldc, int mode, float beta) {
        int nr = 2 * species().length();
        int fullRows = mc / MR * MR;
        if (fullRows < mc) {
            GemmPacking.packA(transA, a, aOff, lda, i0 + fullRows, pc, mc - fullRows, kc, MR, s.packedA);
        }
        // op(A)[i, p] sits at aOff + i·rowStep + p·depthStep.
        int rowStep = transA ? 1 : lda;
        int depthStep = transA ? lda : 1;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int bBase = pbOff + (jc + jr) / nr * k * nr + pc * nr;
            int ir = 0;
            if (tall && cols == nr) {
                for (; ir + TALL <= mc; ir += TALL) {
                    int aIdx = aOff + (i0 + ir) * rowStep + pc * depthStep;
                    int cIdx = cOff + ir * ldc + jr;
                    if (mode == STORE) {
                        microKernelDirect12(a, aIdx, rowStep, depthStep, pb, bBase, kc, c, cIdx, ldc);
                    } else {
                        microKernelDirect12(a, aIdx, rowStep, depthStep, pb, bBase, kc, s.tallTile, 0, nr);
                        accumulate(s.tallTile, c, cIdx, ldc, mode, beta);
                    }
                }
            }
            for (; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int cIdx = cOff + ir * ldc + jr;
                int aIdx = aOff + (i0 + ir) * rowStep + pc * depthStep;
                if (rows == MR && cols == nr) {
                    microKernelDirect(a, aIdx, rowStep, depthStep, pb, bBase, kc, c, cIdx, ldc, mode, beta);
                    continue;
                }
                if (EDGE_KERNELS && cols == nr) {
                    microKernelRows(rows, s.packedA, 0, pb, bBase, kc, c, cIdx, ldc, mode, beta);
                    continue;
                }
                float[] tile = s.tile;
                for (int r = 0; mode != STORE && r < rows; r++) {
                    System.arraycopy(c, cIdx + r * ldc, tile, r * nr, cols);
                }
                if (rows == MR) {
                    microKernelDirect(a, aIdx, rowStep, depthStep, pb, bBase, kc, tile, 0, nr, mode, beta);
                } else if (EDGE_KERNELS) {
                    microKernelRows(rows, s.packedA, 0, pb, bBase, kc, tile, 0, nr, mode, beta);
                } else {
                    microKernel(s.packedA, 0, pb, bBase, kc, tile, 0, nr, mode, beta);
                }
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(tile, r * nr, c, cIdx + r * ldc, cols);
                }
            }
        }
    }

    /** Every A panel against every B panel of the block; edge tiles go through a scratch tile. */
    private void macroKernel(GemmScratch s, boolean tall, float[] pb, int pbOff, int jc, int pc, int k, int mc, int nc, int kc,
                             float[] c, int cOff, int ldc, int mode, float beta) {
        int nr = 2 * species().length();
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int bBase = pbOff + (jc + jr) / nr * k * nr + pc * nr;
            int ir = 0;
            if (tall && cols == nr) {
                for (; ir + TALL <= mc; ir += TALL) {
                    int upper = (ir / MR) * kc * MR;
                    int cIdx = cOff + ir * ldc + jr;
                    if (mode == STORE) {
                        microKernel12(s.packedA, upper, upper + kc * MR, pb, bBase, kc, c, cIdx, ldc);
                    } else {
                        microKernel12(s.packedA, upper, upper + kc * MR, pb, bBase, kc, s.tallTile, 0, nr);
                        accumulate(s.tallTile, c, cIdx, ldc, mode, beta);
                    }
                }
            }
            for (; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int aBase = (ir / MR) * kc * MR;
                int cIdx = cOff + ir * ldc + jr;
                if (rows == MR && cols == nr) {
                    microKernel(s.packedA, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
                } else if (EDGE_KERNELS && cols == nr) {
                    // A partial last row panel: only its real rows are computed, straight into C.
                    microKernelRows(rows, s.packedA, aBase, pb, bBase, kc, c, cIdx, ldc, mode, beta);
                } else {
                    float[] tile = s.tile;
                    for (int r = 0; mode != STORE && r < rows; r++) {
                        System.arraycopy(c, cIdx + r * ldc, tile, r * nr, cols);
                    }
                    if (EDGE_KERNELS && rows < MR) {
                        microKernelRows(rows, s.packedA, aBase, pb, bBase, kc, tile, 0, nr, mode, beta);
                    } else {
                        microKernel(s.packedA, aBase, pb, bBase, kc, tile, 0, nr, mode, beta);
                    }
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(tile, r * nr, c, cIdx + r * ldc, cols);
                    }
                }
            }
        }
    }
}
