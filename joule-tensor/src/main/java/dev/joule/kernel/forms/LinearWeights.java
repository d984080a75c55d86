package dev.joule.kernel.forms;

import dev.joule.kernel.GemmEpilogue;

/**
 * A linear layer's weight matrix {@code W [out, in]} held in a form made for inference: int8 or int4
 * codes with scales, a sparse format, a physically shrunk dense matrix, a pre-packed f32 panel. Every
 * form computes the same product, {@code y[b, o] = Σ_i x[b, i] · W[o, i]}, and {@link #toDense()}
 * gives the f32 matrix it computes with (dequantized, zeros where pruned), so a form can always be
 * checked against the dense kernel on that matrix.
 *
 * <p>The autograd engine runs a weight's form when one is attached to the weight
 * ({@code Var.setInferenceWeights}) and no gradient is being recorded; training always runs the f32
 * values. Implementations record the work they do (stored weights touched, not the dense count) in
 * {@link dev.joule.tensor.OpCounter} once per call.
 */
public interface LinearWeights {

    /** Rows of {@code W}: outputs per input row. */
    int outFeatures();

    /** Columns of {@code W}: the length of one input row. */
    int inFeatures();

    /**
     * {@code y[yOff + b·out + o] = Σ_i x[xOff + b·in + i] · W[o, i]} for {@code b < rows}, both
     * row-major and dense; {@code y} is overwritten. May run on the shared thread pool.
     */
    void multiply(float[] x, int xOff, int rows, float[] y, int yOff);

    /**
     * {@link #multiply}, then {@code epilogue} on {@code y} ({@code rows × out}): a bias, an activation.
     * A form whose kernel splits {@code y} across threads may apply it block by block, on the thread
     * that computed each block; the default applies it to the whole of {@code y} afterwards.
     */
    default void multiply(float[] x, int xOff, int rows, float[] y, int yOff, GemmEpilogue epilogue) {
        multiply(x, xOff, rows, y, yOff);
        GemmEpilogue.whole(epilogue, y, yOff, outFeatures(), rows, outFeatures());
    }

    /** The stored format, for reports: {@code "f32"}, {@code "int8 per-channel"}, {@code "2:4"}, ... */
    String format();

    /** The kernel {@link #multiply} runs, for reports: {@code "w8a8 vector 512-bit"}, {@code "dense f32 (rows 64/128)"}, ... */
    String kernel();

    /** Bytes this form holds for the matrix (codes, scales, indices), without the bias. */
    long storedBytes();

    /** Multiply-accumulates one input row costs in this form: the weights actually multiplied. */
    long macsPerRow();

    /** The f32 matrix {@code [out, in]} row-major that {@link #multiply} computes with. */
    float[] toDense();

    /**
     * The {@link ShrunkWeights} this form multiplies with when it runs only a kept block of rows × columns of a
     * structurally pruned matrix (itself, or the shrunk form a wrapper runs), else null. A module whose units were
     * pruned reads it to run the kept block directly, without the gather and scatter around it
     * ({@code dev.joule.nn.NarrowedUnits}).
     */
    default ShrunkWeights shrunk() {
        return null;
    }
}
