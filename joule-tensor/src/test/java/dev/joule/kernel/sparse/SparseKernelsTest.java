package dev.joule.kernel.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.OpCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every format's kernels against the dense scalar reference, over random shapes with tails
 * (rows, columns and batch not multiples of a vector or a block), random patterns and empty rows.
 * The scalar sparse kernels sum in the reference's order, skipping only exact zeros, so they must
 * match bit for bit; the vector kernels reorder the sum and get a tolerance relative to Σ|w·x|.
 */
class SparseKernelsTest {
    private static final SparseKernels SCALAR = new ScalarSparseKernels();
    private static final SparseKernels VECTOR = VectorSparseKernels.create();

    private static List<SparseMatrix> formats(SplittableRandom rnd, int rows, int cols, float[][] denseOut) {
        List<SparseMatrix> out = new ArrayList<>();
        double density = 0.02 + rnd.nextDouble() * 0.6;
        float[] w = SparseTestData.unstructured(rnd, rows, cols, density);
        out.add(CsrMatrix.fromDense(w, 0, rows, cols, 0f));
        out.add(NmMatrix.fromDense(w, 0, rows, cols, 2, 4));
        out.add(NmMatrix.fromDense(w, 0, rows, cols, 1, 1 + rnd.nextInt(9)));
        float[] blocky = SparseTestData.blocky(rnd, rows, cols, 4, 16, 0.3);
        out.add(BlockSparseMatrix.fromDense(blocky, 0, rows, cols, 4, 16, 0f));
        out.add(BlockSparseMatrix.fromDense(w, 0, rows, cols, 1 + rnd.nextInt(5), 1 + rnd.nextInt(20), 0f));
        denseOut[0] = w;
        return out;
    }

    @Test
    void gemvMatchesDenseReference() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 40; trial++) {
            int rows = 1 + rnd.nextInt(70);
            int cols = 1 + rnd.nextInt(90);
            for (SparseMatrix m : formats(rnd, rows, cols, new float[1][])) {
                float[] dense = m.toDense();
                int xOff = rnd.nextInt(3);
                float[] x = SparseTestData.dense(rnd, xOff + cols);
                float[] expected = SparseTestData.reference(dense, rows, cols, 1, x, xOff, cols);
                float[] scale = SparseTestData.magnitude(dense, rows, cols, 1, x, xOff, cols);
                float[] scalar = new float[rows + 2];
                float[] vector = new float[rows + 2];
                SCALAR.gemv(m, x, xOff, scalar, 2);
                VECTOR.gemv(m, x, xOff, vector, 2);
                for (int o = 0; o < rows; o++) {
                    assertEquals(expected[o], scalar[2 + o], 0f, m + " scalar row " + o);
                    assertEquals(expected[o], vector[2 + o], 1e-5f * (1 + scale[o]), m + " vector row " + o);
                }
            }
        }
    }

    @Test
    void batchedGemmMatchesDenseReference() {
        SplittableRandom rnd = new SplittableRandom(12);
        int[] batches = {1, 3, 8, 16, 17, 32, 33, 40};
        for (int trial = 0; trial < 30; trial++) {
            int rows = 1 + rnd.nextInt(50);
            int cols = 1 + rnd.nextInt(70);
            int batch = batches[rnd.nextInt(batches.length)];
            int ldx = cols + rnd.nextInt(3);
            int ldy = rows + rnd.nextInt(3);
            for (SparseMatrix m : formats(rnd, rows, cols, new float[1][])) {
                float[] dense = m.toDense();
                float[] x = SparseTestData.dense(rnd, 1 + batch * ldx);
                float[] expected = SparseTestData.reference(dense, rows, cols, batch, x, 1, ldx);
                float[] scale = SparseTestData.magnitude(dense, rows, cols, batch, x, 1, ldx);
                float[] scalar = new float[batch * ldy];
                float[] vector = new float[batch * ldy];
                SCALAR.gemm(m, batch, x, 1, ldx, scalar, 0, ldy);
                VECTOR.gemm(m, batch, x, 1, ldx, vector, 0, ldy);
                for (int b = 0; b < batch; b++) {
                    for (int o = 0; o < rows; o++) {
                        float e = expected[b * rows + o];
                        String where = m + " batch " + batch + " (" + b + ", " + o + ")";
                        assertEquals(e, scalar[b * ldy + o], 0f, "scalar " + where);
                        assertEquals(e, vector[b * ldy + o], 1e-5f * (1 + scale[b * rows + o]), "vector " + where);
                    }
                }
            }
        }
    }

    @Test
    void largeShapesRunInParallelWithTheSameResult() {
        SplittableRandom rnd = new SplittableRandom(13);
        int rows = 300;
        int cols = 517;
        float[] w = SparseTestData.unstructured(rnd, rows, cols, 0.5);
        int batch = 33;
        float[] x = SparseTestData.dense(rnd, batch * cols);
        for (SparseMatrix m : List.of(CsrMatrix.fromDense(w, 0, rows, cols, 0f),
                NmMatrix.fromDense(w, 0, rows, cols, 2, 4),
                BlockSparseMatrix.fromDense(w, 0, rows, cols, 4, 16, 0f))) {
            float[] dense = m.toDense();
            float[] expected = SparseTestData.reference(dense, rows, cols, batch, x, 0, cols);
            float[] scale = SparseTestData.magnitude(dense, rows, cols, batch, x, 0, cols);
            float[] y = new float[batch * rows];
            VECTOR.gemm(m, batch, x, 0, cols, y, 0, rows);
            float[] y1 = new float[rows];
            VECTOR.gemv(m, x, 0, y1, 0);
            for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], 1e-5f * (1 + scale[i]), m + " at " + i);
            }
            for (int o = 0; o < rows; o++) {
                assertEquals(expected[o], y1[o], 1e-5f * (1 + scale[o]), m + " gemv at " + o);
            }
        }
    }

    @Test
    void countsTheStoredWeightsMultiplied() {
        SplittableRandom rnd = new SplittableRandom(14);
        float[] w = SparseTestData.unstructured(rnd, 20, 30, 0.2);
        CsrMatrix csr = CsrMatrix.fromDense(w, 0, 20, 30, 0f);
        NmMatrix nm = NmMatrix.fromDense(w, 0, 20, 30, 2, 4);
        float[] x = SparseTestData.dense(rnd, 5 * 30);
        float[] y = new float[5 * 20];
        for (SparseKernels k : List.of(SCALAR, VECTOR)) {
            try (OpCounter.Region r = OpCounter.open()) {
                k.gemv(csr, x, 0, y, 0);
                assertEquals(csr.nnz(), r.macs(), k.name());
            }
            try (OpCounter.Region r = OpCounter.open()) {
                k.gemm(nm, 5, x, 0, 30, y, 0, 20);
                assertEquals(5L * 20 * (2 * 7 + 2), r.macs(), k.name());
            }
        }
    }

    @Test
    void emptyMatrixAndEmptyBatch() {
        CsrMatrix none = CsrMatrix.fromDense(new float[12], 0, 3, 4, 0f);
        assertEquals(0, none.nnz());
        float[] y = {7, 7, 7};
        VECTOR.gemv(none, new float[4], 0, y, 0);
        assertArrayEquals(new float[3], y);
        VECTOR.gemm(none, 0, new float[0], 0, 4, new float[0], 0, 3);
        assertTrue(VECTOR.name().startsWith("sparse vector"));
    }
}
