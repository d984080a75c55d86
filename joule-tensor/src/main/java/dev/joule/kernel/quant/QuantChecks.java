package dev.joule.kernel.quant;

/** Argument checks with messages that name the thing, the expected and the actual value. */
final class QuantChecks {
    private QuantChecks() {}

    static void dims(String what, int rows, int cols, int maxCols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(what + " needs rows >= 1 and cols >= 1, got " + rows + " × " + cols);
        }
        if (cols > maxCols) {
            throw new IllegalArgumentException(what + " has " + cols + " columns; at most " + maxCols
                    + " keep the int32 sums exact (split the reduction)");
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(what + " of " + rows + " × " + cols + " does not fit one Java array");
        }
    }

    static void length(String what, long expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException(what + ": expected " + expected + " elements, got " + actual);
        }
    }

    static void window(String what, int arrayLength, int off, long len) {
        if (off < 0 || off + len > arrayLength) {
            throw new IllegalArgumentException(what + ": window [" + off + ", " + (off + len)
                    + ") does not fit an array of " + arrayLength);
        }
    }

    static void sameCols(String what, int xCols, int wCols) {
        if (xCols != wCols) {
            throw new IllegalArgumentException(what + ": activations have " + xCols
                    + " features but the weights expect " + wCols);
        }
    }
}
