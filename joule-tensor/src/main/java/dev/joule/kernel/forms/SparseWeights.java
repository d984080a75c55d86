package dev.joule.kernel.forms;

import dev.joule.kernel.sparse.SparseKernels;
import dev.joule.kernel.sparse.SparseMatrix;

/**
 * A pruned weight matrix stored sparse ({@link dev.joule.kernel.sparse.CsrMatrix CSR},
 * {@link dev.joule.kernel.sparse.NmMatrix N:M} or {@link dev.joule.kernel.sparse.BlockSparseMatrix
 * block}, ADR 0011) and run by {@link SparseKernels}: the matrix-vector kernel for one input row, the
 * batched kernel otherwise. Only the stored weights are multiplied ({@link #macsPerRow()} is the
 * nonzero count). Which format pays off at a layer's density and batch is
 * {@link dev.joule.kernel.sparse.SparseFormatChooser}'s (predicted) or {@link FormChooser}'s
 * (measured) decision, not this class's. Stateless, so safe from several threads.
 */
public final class SparseWeights implements LinearWeights {
    private final SparseMatrix m;
    private final SparseKernels kernels;

    private SparseWeights(SparseMatrix m, SparseKernels kernels) {
        this.m = m;
        this.kernels = kernels;
    }

    /** The sparse matrix on the active sparse kernels. */
    public static SparseWeights of(SparseMatrix m) {
        return new SparseWeights(m, SparseKernels.get());
    }

    static SparseWeights of(SparseMatrix m, SparseKernels kernels) {
        return new SparseWeights(m, kernels);
    }

    /** The stored matrix (shared, not copied). */
    public SparseMatrix matrix() {
        return m;
    }

    @Override
    public int outFeatures() {
        return m.rows();
    }

    @Override
    public int inFeatures() {
        return m.cols();
    }

    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
        FormChecks.multiply("SparseWeights", m.rows(), m.cols(), x, xOff, rows, y, yOff);
        if (rows == 1) {
            kernels.gemv(m, x, xOff, y, yOff);
        } else if (rows > 1) {
            kernels.gemm(m, rows, x, xOff, m.cols(), y, yOff, m.rows());
        }
    }

    @Override
    public String format() {
        return m.format();
    }

    @Override
    public String kernel() {
        return m.format() + ", " + kernels.name();
    }

    @Override
    public long storedBytes() {
        return m.storageBytes();
    }

    @Override
    public long macsPerRow() {
        return m.nnz();
    }

    @Override
    public float[] toDense() {
        return m.toDense();
    }
}
