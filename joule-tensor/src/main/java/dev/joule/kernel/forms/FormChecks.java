package dev.joule.kernel.forms;

/** Argument checks the forms share, with messages that name the thing, the expected and the actual value. */
final class FormChecks {
    private FormChecks() {}

    /** {@code rows >= 0} input rows of {@code in} floats at {@code x[xOff ...]}, outputs of {@code out} at {@code y[yOff ...]}. */
    static void multiply(String form, int out, int in, float[] x, int xOff, int rows, float[] y, int yOff) {
        if (rows < 0) {
            throw new IllegalArgumentException(form + ": rows must be >= 0, got " + rows);
        }
        window(form + " input [" + rows + ", " + in + "]", x.length, xOff, (long) rows * in);
        window(form + " output [" + rows + ", " + out + "]", y.length, yOff, (long) rows * out);
    }

    static void window(String what, int arrayLength, int off, long len) {
        if (off < 0 || off + len > arrayLength) {
            throw new IllegalArgumentException(what + ": window [" + off + ", " + (off + len)
                    + ") does not fit an array of " + arrayLength + " floats");
        }
    }

    static void denseLength(String form, int out, int in, float[] w) {
        if (out < 0 || in < 0 || w.length != (long) out * in) {
            throw new IllegalArgumentException(form + ": dense weights [" + out + ", " + in + "] need "
                    + (long) out * in + " floats, got " + w.length);
        }
    }
}
