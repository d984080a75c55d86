package dev.joule.kernel.forms;

import dev.joule.kernel.GemmEpilogue;
import dev.joule.kernel.PackedMatrix;

/**
 * The f32 matrix pre-packed into the gemm's panels once, at construction, so {@link #multiply} skips
 * the per-call packing copy. Same numbers as {@link DenseWeights}; faster for small row counts
 * (a sentence at batch 1), where packing costs about as much as the multiply-adds. Holds the panels
 * plus a reference to the source array (not a copy), used for single rows and by {@link #toDense()}.
 *
 * <p>Two source layouts: {@link #of} takes {@code W [out, in]} (PyTorch, Joule), {@link #ofInputMajor}
 * takes {@code Wᵀ [in, out]} (ONNX MatMul's {@code x · B}), which packs without a transpose.
 */
public final class PackedDenseWeights implements LinearWeights {
    private final int out;
    private final int in;
    private final float[] source;
    private final boolean inputMajor;
    private final PackedMatrix packed;

    private PackedDenseWeights(int out, int in, float[] source, boolean inputMajor) {
        if (source.length != (long) out * in) {
            throw new IllegalArgumentException("packed weights [" + out + ", " + in + "] need " + (long) out * in
                    + " floats, got " + source.length);
        }
        this.out = out;
        this.in = in;
        this.source = source;
        this.inputMajor = inputMajor;
        // x · Wᵀ: op(B) is [in, out]; stored [out, in] that is B transposed.
        this.packed = PackedMatrix.pack(!inputMajor, source, 0, inputMajor ? out : in, in, out);
    }

    /** {@code w} is {@code [out, in]} row-major; kept by reference, so it must not change afterwards. */
    public static PackedDenseWeights of(int out, int in, float[] w) {
        return new PackedDenseWeights(out, in, w, false);
    }

    /** {@code wt} is {@code Wᵀ [in, out]} row-major (the ONNX {@code MatMul(x, B)} layout); kept by reference. */
    public static PackedDenseWeights ofInputMajor(int out, int in, float[] wt) {
        return new PackedDenseWeights(out, in, wt, true);
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
        packed.multiply(rows, x, xOff, in, 0f, y, yOff, out);
    }

    /** Each thread runs {@code epilogue} on the block of {@code y} it has just computed. */
    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff, GemmEpilogue epilogue) {
        packed.multiply(rows, x, xOff, in, 0f, y, yOff, out, epilogue);
    }

    /** {@code y = x · Wᵀ + beta · y}: adds onto a bias already in {@code y} when {@code beta} is 1. */
    public void multiplyAdd(float[] x, int xOff, int rows, float beta, float[] y, int yOff) {
        packed.multiply(rows, x, xOff, in, beta, y, yOff, out);
    }

    @Override
    public String format() {
        return "f32";
    }

    @Override
    public String kernel() {
        return "prepacked " + packed.kernels().name();
    }

    /** The packed panels (padded to whole panels; the matrix itself with scalar kernels); the source is shared with its owner. */
    @Override
    public long storedBytes() {
        return 4L * Math.max(packed.packedFloats(), (long) out * in);
    }

    @Override
    public long macsPerRow() {
        return (long) out * in;
    }

    @Override
    public float[] toDense() {
        if (!inputMajor) {
            return source.clone();
        }
        float[] w = new float[out * in];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                w[o * in + i] = source[i * out + o];
            }
        }
        return w;
    }
}
