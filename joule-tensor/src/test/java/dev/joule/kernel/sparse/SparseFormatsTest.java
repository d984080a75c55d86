package dev.joule.kernel.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Building the formats from dense matrices, round trips back to dense, N:M selection, validation. */
class SparseFormatsTest {

    @Test
    void twoFourKeepsTheTwoLargestMagnitudesLowerIndexOnTies() {
        float[] w = {
            0.1f, -0.9f, 0.5f, 0.2f,   // keeps -0.9 (1) and 0.5 (2)
            0.3f, 0.3f, 0.3f, 0.3f,    // all tie: keeps 0 and 1
            0f, 0f, 0f, 0f,            // all zero: keeps 0 and 1 (zeros)
            -2f, 1f, 2f, -1f,          // |2| ties at 0 and 2: keeps both
            0f, 0.4f, 0f, -0.4f,       // ties at 1 and 3
        };
        NmMatrix m = NmMatrix.fromDense(w, 0, 1, 20, 2, 4);
        assertArrayEquals(new byte[] {1, 2, 0, 1, 0, 1, 0, 2, 1, 3}, m.offsets());
        assertArrayEquals(new float[] {-0.9f, 0.5f, 0.3f, 0.3f, 0f, 0f, -2f, 2f, 0.4f, -0.4f}, m.values());
        assertArrayEquals(new int[] {1, 2, 4, 5, 8, 9, 12, 14, 17, 19}, m.columns());
        assertEquals("2:4", m.format());
    }

    @Test
    void nmKeepsAtMostNPerGroupIncludingAShortLastGroup() {
        SplittableRandom rnd = new SplittableRandom(3);
        int rows = 7;
        int cols = 23; // 5 full groups of 4 and one of 3
        float[] w = SparseTestData.dense(rnd, rows * cols);
        NmMatrix m = NmMatrix.fromDense(w, 0, rows, cols, 2, 4);
        assertEquals(2 * 5 + 2, m.keptPerRow());
        float[] dense = m.toDense();
        for (int o = 0; o < rows; o++) {
            for (int g0 = 0; g0 < cols; g0 += 4) {
                int kept = 0;
                float smallestKept = Float.MAX_VALUE;
                float largestDropped = 0f;
                for (int j = g0; j < Math.min(cols, g0 + 4); j++) {
                    float d = dense[o * cols + j];
                    if (d != 0f) {
                        kept++;
                        assertEquals(w[o * cols + j], d, 0f);
                        smallestKept = Math.min(smallestKept, Math.abs(d));
                    } else {
                        largestDropped = Math.max(largestDropped, Math.abs(w[o * cols + j]));
                    }
                }
                assertEquals(2, kept, "row " + o + " group " + g0);
                assertTrue(smallestKept >= largestDropped);
            }
        }
        // An already 2:4 matrix survives the round trip unchanged.
        NmMatrix again = NmMatrix.fromDense(dense, 0, rows, cols, 2, 4);
        assertArrayEquals(dense, again.toDense());
        assertArrayEquals(m.offsets(), again.offsets());
    }

    @Test
    void csrRoundTripsAndHonoursTheThreshold() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] w = SparseTestData.unstructured(rnd, 13, 29, 0.3);
        CsrMatrix m = CsrMatrix.fromDense(w, 0, 13, 29, 0f);
        assertArrayEquals(w, m.toDense());
        assertEquals(m, CsrMatrix.fromDense(m.toDense(), 0, 13, 29, 0f));
        long nonzeros = 0;
        for (float v : w) {
            nonzeros += v != 0f ? 1 : 0;
        }
        assertEquals(nonzeros, m.nnz());
        CsrMatrix big = CsrMatrix.fromDense(w, 0, 13, 29, 0.5f);
        for (float v : big.values()) {
            assertTrue(Math.abs(v) > 0.5f);
        }
        float[] offset = new float[3 + w.length];
        System.arraycopy(w, 0, offset, 3, w.length);
        assertEquals(m, CsrMatrix.fromDense(offset, 3, 13, 29, 0f));
    }

    @Test
    void blockRoundTripsWithEdgeBlocks() {
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 10;
        int cols = 37; // edge blocks in both directions for 4 x 16
        float[] w = SparseTestData.blocky(rnd, rows, cols, 4, 16, 0.5);
        BlockSparseMatrix m = BlockSparseMatrix.fromDense(w, 0, rows, cols, 4, 16, 0f);
        assertArrayEquals(w, m.toDense());
        assertEquals("block 4x16", m.format());
        assertEquals((long) m.blocks() * 64, m.nnz());
        float[] scattered = SparseTestData.unstructured(rnd, rows, cols, 0.1);
        assertArrayEquals(scattered, BlockSparseMatrix.fromDense(scattered, 0, rows, cols, 2, 3, 0f).toDense());
    }

    @Test
    void invalidArraysAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CsrMatrix(2, 3, new int[] {0, 2, 1}, new int[] {0}, new float[] {1}));
        assertTrue(e.getMessage().contains("rowStart"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CsrMatrix(1, 3, new int[] {0, 2}, new int[] {2, 1}, new float[] {1, 1}));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new NmMatrix(1, 4, 2, 4, new float[] {1, 1}, new byte[] {2, 2}));
        assertTrue(e.getMessage().contains("offsets must ascend"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NmMatrix.fromDense(new float[8], 0, 2, 4, 3, 2));
        assertTrue(e.getMessage().contains("3:2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new BlockSparseMatrix(4, 32, 4, 16, new int[] {0, 1}, new int[] {8}, new float[64]));
        assertTrue(e.getMessage().contains("multiple of 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ScalarSparseKernels().gemv(CsrMatrix.fromDense(new float[6], 0, 2, 3, 0f),
                        new float[2], 0, new float[2], 0));
        assertTrue(e.getMessage().contains("input x"), e.getMessage());
    }
}
