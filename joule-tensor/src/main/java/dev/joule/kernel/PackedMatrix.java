package dev.joule.kernel;

/**
 * A constant right-hand gemm operand {@code op(B)} ({@code k × n}) packed once, for the products
 * {@code C = A · op(B) + beta · C} that inference repeats with the same weights. The vector gemm
 * packs B into panels on every call; for the 10-30-row activations of a sentence encoder at batch 1
 * that copy costs about as much as the multiply-adds it feeds. Packing at load moves it out of the
 * loop, as ONNX Runtime does with its pre-packed weights.
 *
 * <p>Results are those of {@link Kernels#gemm} with the same operands (same blocking, same k order).
 * With scalar kernels, or for a single row (a matrix-vector product, memory-bound, where packing
 * buys nothing), the product runs on the source matrix, which is kept by reference, not copied.
 */
public final class PackedMatrix {
    private final Kernels kernels;
    private final boolean transB;
    private final float[] b;
    private final int bOff;
    private final int ldb;
    private final int k;
    private final int n;
    /** Panels for {@link VectorPrepackedGemm#gemmPrepacked}, or null with scalar kernels. */
    private final float[] packed;

    private PackedMatrix(Kernels kernels, boolean transB, float[] b, int bOff, int ldb, int k, int n) {
        if (k <= 0 || n <= 0) {
            throw new IllegalArgumentException("a packed matrix needs k, n >= 1, got k " + k + ", n " + n);
        }
        long last = transB ? bOff + (long) (n - 1) * ldb + k : bOff + (long) (k - 1) * ldb + n;
        if (bOff < 0 || last > b.length) {
            throw new IllegalArgumentException("op(B) [" + k + ", " + n + "] with ldb " + ldb + " from offset " + bOff
                    + " needs " + last + " floats, the array holds " + b.length);
        }
        this.kernels = kernels;
        this.transB = transB;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.k = k;
        this.n = n;
        this.packed = kernels instanceof VectorPrepackedGemm vg ? vg.packWeights(transB, b, bOff, ldb, k, n) : null;
    }

    /**
     * Packs {@code op(B)} for the active kernels: {@code B} is {@code k × n} row-major ({@code ldb} apart),
     * or {@code n × k} when {@code transB} (a weight matrix {@code [out, in]} used as {@code x · Wᵀ}).
     */
    public static PackedMatrix pack(boolean transB, float[] b, int bOff, int ldb, int k, int n) {
        return new PackedMatrix(Kernels.get(), transB, b, bOff, ldb, k, n);
    }

    /** As {@link #pack(boolean, float[], int, int, int, int)} for the given kernels (tests compare widths). */
    public static PackedMatrix pack(Kernels kernels, boolean transB, float[] b, int bOff, int ldb, int k, int n) {
        return new PackedMatrix(kernels, transB, b, bOff, ldb, k, n);
    }

    /** {@code C[m × n] = A[m × k] · op(B) + beta · C}; A row-major, {@code lda} apart; C {@code ldc} apart. */
    public void multiply(int m, float[] a, int aOff, int lda, float beta, float[] c, int cOff, int ldc) {
        multiply(m, a, aOff, lda, beta, c, cOff, ldc, null);
    }

    /**
     * As {@link #multiply(int, float[], int, int, float, float[], int, int)}, then {@code epilogue}
     * (may be null) on C: on each block as its thread finishes it when the product is split across
     * threads, else on the whole of C.
     */
    public void multiply(int m, float[] a, int aOff, int lda, float beta, float[] c, int cOff, int ldc,
                         GemmEpilogue epilogue) {
        if (packed == null || m == 1) {
            kernels.gemm(false, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            GemmEpilogue.whole(epilogue, c, cOff, ldc, m, n);
        } else {
            ((VectorPrepackedGemm) kernels).gemmPrepacked(m, n, k, a, aOff, lda, packed, beta, c, cOff, ldc, epilogue);
        }
    }

    /**
     * Which kernels run the products of a few rows (a sentence at batch 1) with the active kernels:
     * "native (...)" ({@link NativeGemm}, with 512-bit vector kernels only) or "Java kernels (why not)".
     */
    public static String fewRowKernels() {
        String active = Kernels.get().name(); // by name: no Vector API class is touched when it is absent
        if (!active.equals("vector 512-bit")) {
            return "Java kernels (the native one needs the 512-bit vector kernels; active: " + active + ")";
        }
        return NativeGemm.status();
    }

    /** The depth: columns of A, rows of op(B). */
    public int depth() {
        return k;
    }

    /** Columns of op(B) and C. */
    public int width() {
        return n;
    }

    /** Floats held in the packed panels (0 with scalar kernels); the source matrix is not counted. */
    public long packedFloats() {
        return packed == null ? 0 : packed.length;
    }

    /** The kernels this matrix was packed for. */
    public Kernels kernels() {
        return kernels;
    }
}
