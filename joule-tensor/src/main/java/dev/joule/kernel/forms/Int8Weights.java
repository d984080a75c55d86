package dev.joule.kernel.forms;

import dev.joule.kernel.GemmEpilogue;

import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.quant.QuantKernels;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An int8 weight matrix (one symmetric scale per output row, {@link Int8Matrix}) run by the
 * quantized kernels ({@link QuantKernels}, ADR 0010) in one of three schemes:
 * <ul>
 *   <li>{@link #w8a8}: activations quantized dynamically, one scale per input row
 *       ({@code max|x| / 127}), then int8 × int8 with exact int32 sums. The output is bit for bit
 *       {@link QuantKernels#gemmW8A8} on {@link QuantKernels#quantizeActivations}.</li>
 *   <li>{@link #w8a8Static}: every input row quantized with one calibrated scale
 *       ({@link Int8Activations#quantizeWithScale}: half to even, values beyond
 *       {@code ±127 · scale} clip), then the same int8 product. Cheaper (no max pass) but saturates on
 *       inputs larger than the calibration set saw.</li>
 *   <li>{@link #weightOnly}: f32 activations times int8 codes, f32 sums, the row scale applied once
 *       per output. Matches the dequantized matrix up to float rounding.</li>
 * </ul>
 * {@link #toDense()} is the dequantized matrix {@code scale[o] · q[o, i]} in every scheme; the W8A8
 * schemes also round the activations, so they match the dense product on that matrix only within
 * the activation quantization error.
 *
 * <p>Thread safety: the W8A8 schemes need an activation buffer per call; each calling thread keeps
 * its own (a {@link ThreadLocal}, resized when the row count changes), so one form may be used from
 * several threads at once. The quantized kernels record MACs and bytes in
 * {@link dev.joule.tensor.OpCounter}.
 */
public final class Int8Weights implements LinearWeights {

    /** How the activations meet the int8 weights. */
    public enum Scheme {
        /** Int8 activations, one scale per input row computed per call. */
        W8A8_DYNAMIC,
        /** Int8 activations with one calibrated scale for every row. */
        W8A8_STATIC,
        /** F32 activations, int8 weights. */
        WEIGHT_ONLY
    }

    private final Int8Matrix w;
    private final Scheme scheme;
    private final float activationScale;
    private final QuantKernels kernels;
    /**
     * Each thread's activation buffers by shape ({@code rows << 32 | cols}), shared by every int8 matrix:
     * a buffer is only used within one product call on its thread. Per matrix and kept for one row count
     * only, a sentence encoder whose row count changes with every sentence allocated a new buffer for
     * each of its 36 products per sentence. At most {@link #BUFFER_SHAPES} shapes are kept per thread.
     */
    private static final ThreadLocal<Map<Long, Int8Activations>> BUFFERS =
            ThreadLocal.withInitial(HashMap::new);
    private static final int BUFFER_SHAPES = 256;

    private Int8Weights(Int8Matrix w, Scheme scheme, float activationScale, QuantKernels kernels) {
        this.w = w;
        this.scheme = scheme;
        this.activationScale = activationScale;
        this.kernels = kernels;
    }

    /** W8A8 with dynamic per-row activation scales, on the active quantized kernels. */
    public static Int8Weights w8a8(Int8Matrix w) {
        return w8a8(w, QuantKernels.get());
    }

    /**
     * W8A8 with one static activation scale ({@code > 0}, finite; typically {@code max|x| / 127} over
     * a calibration set), on the active quantized kernels.
     */
    public static Int8Weights w8a8Static(Int8Matrix w, float activationScale) {
        return w8a8Static(w, activationScale, QuantKernels.get());
    }

    /** Int8 weights with f32 activations, on the active quantized kernels. */
    public static Int8Weights weightOnly(Int8Matrix w) {
        return weightOnly(w, QuantKernels.get());
    }

    static Int8Weights w8a8(Int8Matrix w, QuantKernels kernels) {
        return new Int8Weights(w, Scheme.W8A8_DYNAMIC, Float.NaN, kernels);
    }

    static Int8Weights w8a8Static(Int8Matrix w, float activationScale, QuantKernels kernels) {
        if (!(activationScale > 0f) || !Float.isFinite(activationScale)) {
            throw new IllegalArgumentException("Int8Weights.w8a8Static: activation scale must be finite and > 0, got "
                    + activationScale + "; calibrate it as max|x| / 127 over representative inputs");
        }
        return new Int8Weights(w, Scheme.W8A8_STATIC, activationScale, kernels);
    }

    static Int8Weights weightOnly(Int8Matrix w, QuantKernels kernels) {
        return new Int8Weights(w, Scheme.WEIGHT_ONLY, Float.NaN, kernels);
    }

    /** The int8 codes and row scales (shared, not copied). */
    public Int8Matrix matrix() {
        return w;
    }

    /** The scheme this form runs. */
    public Scheme scheme() {
        return scheme;
    }

    /** The static activation scale; NaN unless the scheme is {@link Scheme#W8A8_STATIC}. */
    public float activationScale() {
        return activationScale;
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
        FormChecks.multiply("Int8Weights", w.rows(), w.cols(), x, xOff, rows, y, yOff);
        if (rows == 0) {
            return;
        }
        if (scheme == Scheme.WEIGHT_ONLY) {
            kernels.gemmInt8Weights(x, xOff, rows, w, y, yOff);
            return;
        }
        Int8Activations a = activationBuffer(rows);
        if (scheme == Scheme.W8A8_STATIC) {
            kernels.gemmW8A8(a.quantizeWithScale(x, xOff, activationScale), w, y, yOff);
        } else {
            kernels.gemmW8A8Dynamic(x, xOff, a, w, y, yOff);
        }
    }

    /** Dynamic W8A8 hands the epilogue to the kernel, which runs it per block on the threads; other schemes run it after. */
    @Override
    public void multiply(float[] x, int xOff, int rows, float[] y, int yOff, GemmEpilogue epilogue) {
        if (scheme != Scheme.W8A8_DYNAMIC || rows == 0) {
            LinearWeights.super.multiply(x, xOff, rows, y, yOff, epilogue);
            return;
        }
        FormChecks.multiply("Int8Weights", w.rows(), w.cols(), x, xOff, rows, y, yOff);
        kernels.gemmW8A8Dynamic(x, xOff, activationBuffer(rows), w, y, yOff, epilogue);
    }

    /** This thread's buffer for {@code rows} input rows of this matrix's width ({@link #BUFFERS}). */
    private Int8Activations activationBuffer(int rows) {
        Map<Long, Int8Activations> buffers = BUFFERS.get();
        long shape = (long) rows << 32 | w.cols();
        Int8Activations a = buffers.get(shape);
        if (a == null) {
            if (buffers.size() >= BUFFER_SHAPES) {
                buffers.clear();
            }
            a = new Int8Activations(rows, w.cols());
            buffers.put(shape, a);
        }
        return a;
    }

    @Override
    public String format() {
        return "int8 per-channel";
    }

    @Override
    public String kernel() {
        return switch (scheme) {
            case W8A8_DYNAMIC -> "w8a8 dynamic per-row, " + kernels.name();
            case W8A8_STATIC -> String.format(Locale.ROOT, "w8a8 static scale %.6g, %s", activationScale, kernels.name());
            case WEIGHT_ONLY -> "int8 weight-only, " + kernels.name();
        };
    }

    @Override
    public long storedBytes() {
        return w.sizeBytes() + (scheme == Scheme.W8A8_STATIC ? 4 : 0);
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
