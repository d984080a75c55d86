package dev.joule.kernel;

import java.util.Arrays;

/**
 * Copies blocks of gemm operands into the contiguous, zero-padded panels the micro-kernel reads.
 *
 * <p>A block of {@code op(A)} ({@code mc × kc}) becomes panels of {@code mr} rows; within a panel
 * the {@code mr} values of one column {@code p} are adjacent, so the micro-kernel reads A strictly
 * forwards:
 * <pre>
 *   panel 0: p=0: a00 a10 .. a(mr-1)0 | p=1: a01 a11 .. | ... | p=kc-1        (mr · kc floats)
 *   panel 1: rows mr .. 2mr-1, same order; the last panel is padded with zero rows
 * </pre>
 * A block of {@code op(B)} ({@code kc × nc}) becomes panels of {@code nr} columns; within a panel
 * the {@code nr} values of one row {@code p} are adjacent (two or three vectors), padded with zero
 * columns at the right edge. Zero padding lets every micro-kernel call compute a full tile.
 */
final class GemmPacking {
    private GemmPacking() {}

    /** Packs {@code op(A)[i0 .. i0+mc, p0 .. p0+kc]} into {@code dst} as panels of {@code mr} rows. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int p0,
                      int mc, int kc, int mr, float[] dst) {
        for (int panel = 0, row0 = 0; row0 < mc; panel++, row0 += mr) {
            int rows = Math.min(mr, mc - row0);
            int base = panel * kc * mr;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * mr;
                    System.arraycopy(a, aOff + (p0 + p) * lda + i0 + row0, dst, d, rows);
                    if (rows < mr) {
                        Arrays.fill(dst, d + rows, d + mr, 0f);
                    }
                }
            } else if (rows == 6 && mr == 6) {
                // The common full panel: six row streams read in step, written sequentially.
                int s0 = aOff + (i0 + row0) * lda + p0;
                for (int p = 0, d = base; p < kc; p++, d += 6) {
                    dst[d] = a[s0 + p];
                    dst[d + 1] = a[s0 + lda + p];
                    dst[d + 2] = a[s0 + 2 * lda + p];
                    dst[d + 3] = a[s0 + 3 * lda + p];
                    dst[d + 4] = a[s0 + 4 * lda + p];
                    dst[d + 5] = a[s0 + 5 * lda + p];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + row0 + r) * lda + p0;
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                        dst[d] = a[src + p];
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }

    /** Packs {@code op(B)[p0 .. p0+kc, j0 .. j0+nc]} into {@code dst} from {@code dstOff} as panels of {@code nr} columns. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0,
                      int kc, int nc, int nr, float[] dst, int dstOff) {
        for (int panel = 0, col0 = 0; col0 < nc; panel++, col0 += nr) {
            int cols = Math.min(nr, nc - col0);
            int base = dstOff + panel * kc * nr;
            if (transB) {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + col0 + j) * ldb + p0;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = b[src + p];
                    }
                }
                if (cols < nr) {
                    for (int p = 0; p < kc; p++) {
                        Arrays.fill(dst, base + p * nr + cols, base + (p + 1) * nr, 0f);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * nr;
                    System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + col0, dst, d, cols);
                    if (cols < nr) {
                        Arrays.fill(dst, d + cols, d + nr, 0f);
                    }
                }
            }
        }
    }
}
