package dev.joule.kernel.sparse;

/**
 * A sparse weight matrix {@code [rows = out, cols = in]} in one of the formats the sparse kernels
 * run ({@link CsrMatrix}, {@link NmMatrix}, {@link BlockSparseMatrix}).
 */
public sealed interface SparseMatrix permits CsrMatrix, NmMatrix, BlockSparseMatrix {
    /** Output features. */
    int rows();

    /** Input features (the reduction dimension). */
    int cols();

    /** Stored weights, the multiply-accumulates one matrix-vector product does. */
    long nnz();

    /** {@code nnz / (rows · cols)}; 0 for an empty shape. */
    default double density() {
        long total = (long) rows() * cols();
        return total == 0 ? 0 : (double) nnz() / total;
    }

    /** A short name for reports: {@code csr}, {@code 2:4}, {@code block 4x16}. */
    String format();

    /** Bytes of the arrays the kernels read (values and indices). */
    long storageBytes();

    /** The dense row-major {@code rows × cols} matrix, zeros where nothing is stored. */
    float[] toDense();
}
