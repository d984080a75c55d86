package dev.joule.kernel.forms;

import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.QuantKernels;

/**
 * A weight-only int4 matrix ({@link Int4Matrix}: blocks of 32 inputs with one f32 scale each, codes
 * -7..7 packed two per byte) times f32 activations, run by {@link QuantKernels#gemmInt4Weights}.
 * {@link #toDense()} is the dequantized matrix; the product matches the dense kernel on it up to
 * float rounding (the kernels sum block by block). Stateless, so safe from several threads.
 */
public final class Int4Weights implements LinearWeights {
    private final Int4Matrix w;
    private final QuantKernels kernels;

    private Int4Weights(Int4Matrix w, QuantKernels kernels) {
        this.w = w;
        this.kernels = kernels;
    }

    /** Int4 weights with f32 activations, on the active quantized kernels. */
    public static Int4Weights weightOnly(Int4Matrix w) {
        return new Int4Weights(w, QuantKernels.get());
    }

    static Int4Weights weightOnly(Int4Matrix w, QuantKernels kernels) {
        return new Int4Weights(w, kernels);
    }

    /** The packed codes and block scales (shared, not copied). */
    public Int4Matrix matrix() {
        return w;
    }

    @Override
    public int outFeatures() {
        return w.rows();
    }

    @Override
    public int inFeatures() {
        return w.cols();
    }

    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
        FormChecks.multiply("Int4Weights", w.rows(), w.cols(), x, xOff, rows, y, yOff);
        if (rows > 0) {
            kernels.gemmInt4Weights(x, xOff, rows, w, y, yOff);
        }
    }

    @Override
    public String format() {
        return "int4 block " + Int4Matrix.BLOCK;
    }

    @Override
    public String kernel() {
        return "int4 weight-only, " + kernels.name();
    }

    @Override
    public long storedBytes() {
        return w.sizeBytes();
    }

    @Override
    public long macsPerRow() {
        return (long) w.rows() * w.cols();
    }

    @Override
    public float[] toDense() {
        return w.dequantize();
    }
}
