package dev.joule.kernel.forms;

import dev.joule.kernel.Kernels;

/**
 * The plain f32 form: the matrix as it is, multiplied by the dense kernel. It is the reference every
 * other form is checked against and the form a layer falls back to when no compressed kernel is
 * faster at its shape.
 */
public final class DenseWeights implements LinearWeights {
    private final int out;
    private final int in;
    private final float[] w;

    /** Keeps {@code w} ({@code [out, in]} row-major, {@code out · in} floats) without copying. */
    public DenseWeights(int out, int in, float[] w) {
        if (w.length != (long) out * in) {
            throw new IllegalArgumentException("dense weights [" + out + ", " + in + "] need " + (long) out * in
                    + " floats, got " + w.length);
        }
        this.out = out;
        this.in = in;
        this.w = w;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
        Kernels.get().gemm(false, true, rows, out, in, x, xOff, in, w, 0, in, 0f, y, yOff, out);
    }

    @Override
    public String format() {
        return "f32";
    }

    @Override
    public String kernel() {
        return "dense " + Kernels.get().name();
    }

    @Override
    public long storedBytes() {
        return 4L * out * in;
    }

    @Override
    public long macsPerRow() {
        return (long) out * in;
    }

    @Override
    public float[] toDense() {
        return w.clone();
    }
}
