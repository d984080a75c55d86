package dev.joule.compress.quant;

import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.quant.QuantKernels;

/**
 * The inference forms of quantized layers, built from their matrices. Everything the compression code
 * attaches for a quantized layer comes from here, so the checkpoint loader rebuilds exactly the form the
 * quantizer attached.
 */
public final class QuantForms {
    private QuantForms() {}

    /** The form that runs {@code scheme} on {@code w}; {@code activationScale} is used by {@link QuantScheme#W8A8_STATIC} only. */
    public static LinearWeights of(QuantScheme scheme, Int8Matrix int8, Int4Matrix int4, float activationScale) {
        return switch (scheme) {
            case W8A8 -> new Int8Form(int8, Float.NaN, true);
            case W8A8_STATIC -> new Int8Form(int8, activationScale, true);
            case INT8_WEIGHT -> new Int8Form(int8, Float.NaN, false);
            case INT4_WEIGHT -> new Int4Form(int4);
        };
    }

    /** int8 weights with dynamic, static or no activation quantization. */
    private record Int8Form(Int8Matrix w, float staticScale, boolean quantizeInputs) implements LinearWeights {
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
            QuantKernels k = QuantKernels.get();
            if (!quantizeInputs) {
                k.gemmInt8Weights(x, xOff, rows, w, y, yOff);
                return;
            }
            Int8Activations a = new Int8Activations(rows, w.cols());
            if (Float.isNaN(staticScale)) {
                k.quantizeActivations(x, xOff, a);
            } else {
                StaticActivations.quantize(x, xOff, staticScale, a);
            }
            k.gemmW8A8(a, w, y, yOff);
        }

        @Override
        public String format() {
            return "int8 per-channel";
        }

        @Override
        public String kernel() {
            String act = !quantizeInputs ? "int8 weight-only" : Float.isNaN(staticScale) ? "w8a8 dynamic" : "w8a8 static";
            return act + " (" + QuantKernels.get().name() + ")";
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

    /** int4 weights in blocks of 32, f32 activations. */
    private record Int4Form(Int4Matrix w) implements LinearWeights {
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
            QuantKernels.get().gemmInt4Weights(x, xOff, rows, w, y, yOff);
        }

        @Override
        public String format() {
            return "int4 block-32";
        }

        @Override
        public String kernel() {
            return "int4 weight-only (" + QuantKernels.get().name() + ")";
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
}
