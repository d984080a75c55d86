package dev.joule.kernel;

/**
 * Work a product's caller wants done on each block of C right after it is computed, on the thread
 * that computed it: adding a bias, applying an activation. Done there, the block is still in that
 * core's cache, nothing is written to C beforehand, and the step needs no parallel section of its
 * own; done afterwards, it costs one more pass over C, and with C's columns split across threads,
 * half of that pass reads lines the other core wrote.
 *
 * <p>Blocks never overlap and together cover C once; an implementation must treat each as
 * independent (the order and the thread that runs a block are not fixed).
 */
@FunctionalInterface
public interface GemmEpilogue {
    /**
     * Finishes the block of C {@code rows × cols} at {@code c[cOff]} (rows {@code ldc} apart), which
     * holds columns {@code col0 .. col0 + cols} of the product.
     */
    void apply(float[] c, int cOff, int ldc, int rows, int col0, int cols);

    /**
     * Adds {@code bias[biasOff + column]} to every row of a block, then runs {@code then} (may be null)
     * on it. A kernel that recognises it ({@link Bias}) may add the bias itself as it writes C, in the
     * same float operation ({@code c + bias}), and run only {@code then}.
     */
    static GemmEpilogue bias(float[] bias, int biasOff, GemmEpilogue then) {
        return new Bias(bias, biasOff, then);
    }

    /** See {@link #bias}. */
    record Bias(float[] bias, int biasOff, GemmEpilogue then) implements GemmEpilogue {
        @Override
        public void apply(float[] c, int cOff, int ldc, int rows, int col0, int cols) {
            Kernels kern = Kernels.get();
            for (int r = 0; r < rows; r++) {
                int row = cOff + r * ldc;
                kern.add(c, row, bias, biasOff + col0, c, row, cols);
            }
            if (then != null) {
                then.apply(c, cOff, ldc, rows, col0, cols);
            }
        }
    }

    /** Applies {@code epilogue} (when not null) to the whole of C, {@code m × n}. */
    static void whole(GemmEpilogue epilogue, float[] c, int cOff, int ldc, int m, int n) {
        if (epilogue != null && m > 0 && n > 0) {
            epilogue.apply(c, cOff, ldc, m, 0, n);
        }
    }
}
