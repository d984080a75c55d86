package dev.joule.kernel.forms;

import static dev.joule.kernel.forms.FormsTestData.SHAPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.kernel.sparse.BlockSparseMatrix;
import dev.joule.kernel.sparse.CsrMatrix;
import dev.joule.kernel.sparse.NmMatrix;
import dev.joule.kernel.sparse.SparseKernels;
import dev.joule.kernel.sparse.SparseMatrix;
import dev.joule.tensor.OpCounter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every sparse format, through gemv (1 row) and gemm (more), against the dense product on its matrix. */
class SparseWeightsTest {

    private static float[] pruned(long seed, int out, int in, double density) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = FormsTestData.random(seed, out * in, 1);
        for (int k = 0; k < w.length; k++) {
            if (rnd.nextDouble() >= density) {
                w[k] = 0f;
            }
        }
        return w;
    }

    private static List<SparseMatrix> formats(float[] w, int out, int in) {
        return List.of(CsrMatrix.fromDense(w, 0, out, in, 0f), NmMatrix.fromDense(w, 0, out, in, 2, 4),
                BlockSparseMatrix.fromDense(w, 0, out, in, 4, 16, 0f));
    }

    @Test
    void everyFormatIsTheDenseProductOnItsMatrix() {
        int seed = 1;
        for (SparseKernels k : FormsTestData.sparseKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                for (SparseMatrix m : formats(pruned(seed++, out, in, 0.3), out, in)) {
                    SparseWeights form = SparseWeights.of(m, k);
                    float[] w = form.toDense();
                    float[] x = FormsTestData.random(seed++, rows * in, 2);
                    float[] y = FormsTestData.run(form, x, rows);
                    double[] mag = FormsTestData.magnitude(w, out, in, x, 0, rows);
                    String what = k.name() + " " + m.format() + " " + rows + "×" + out + "×" + in;
                    FormsTestData.assertClose(FormsTestData.reference(w, out, in, x, 0, rows), mag, y, what);
                    float[] dense = FormsTestData.run(new DenseWeights(out, in, w), x, rows);
                    FormsTestData.assertClose(Int8WeightsTest.toDouble(dense), mag, y, what + " vs DenseWeights");
                }
            }
        }
    }

    @Test
    void countsOnlyTheStoredWeights() {
        float[] w = pruned(9, 16, 32, 0.25);
        CsrMatrix m = CsrMatrix.fromDense(w, 0, 16, 32, 0f);
        SparseWeights form = SparseWeights.of(m);
        assertEquals(m.nnz(), form.macsPerRow());
        assertEquals(m.storageBytes(), form.storedBytes());
        assertEquals("csr", form.format());
        assertArrayEquals(w, form.toDense(), 0f);
        try (OpCounter.Region r = OpCounter.open()) {
            form.multiply(new float[3 * 32], 0, 3, new float[3 * 16], 0);
            assertEquals(3 * m.nnz(), r.macs());
        }
    }
}
