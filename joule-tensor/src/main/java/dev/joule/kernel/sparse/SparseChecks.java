package dev.joule.kernel.sparse;

/** Argument checks shared by the sparse formats and kernels; messages name the thing, expected and actual. */
final class SparseChecks {
    private SparseChecks() {}

    static void dims(String what, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(what + ": rows and cols must be >= 0, got " + rows + " x " + cols);
        }
    }

    static void window(String what, int arrayLength, int offset, long needed) {
        if (offset < 0 || offset + needed > arrayLength) {
            throw new IllegalArgumentException(what + ": needs " + needed + " elements from offset " + offset
                    + " but the array has " + arrayLength + "; pass a larger array or a smaller offset");
        }
    }

    /** A row-major {@code rows × cols} window with leading dimension {@code ld}. */
    static void matrix(String what, int arrayLength, int offset, int rows, int cols, int ld) {
        if (rows > 0 && ld < cols) {
            throw new IllegalArgumentException(what + ": leading dimension " + ld + " is smaller than cols " + cols);
        }
        long needed = rows == 0 ? 0 : (long) (rows - 1) * ld + cols;
        window(what, arrayLength, offset, needed);
    }
}
