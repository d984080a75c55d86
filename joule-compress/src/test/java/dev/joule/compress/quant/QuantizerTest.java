package dev.joule.compress.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.compress.TestModels;
import dev.joule.kernel.forms.Int4Weights;
import dev.joule.kernel.forms.Int8Weights;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizerTest {

    @Test
    void w8a8WritesTheDequantizedMatrixAttachesTheFormAndReverts() {
        Model m = TestModels.fashion("transformer", 3);
        Tensor x = TestModels.images(8, 4);
        float[] ref = TestModels.forwardNoGrad(m, x);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        float[] firstBefore = layers.get(0).weight().value().toArray();
        List<QuantizedLayer> q = Quantizer.quantize(layers, Quantizer.Options.of(QuantScheme.W8A8));
        assertEquals(layers.size(), q.size());
        for (QuantizedLayer l : q) {
            assertArrayEquals(l.int8().dequantize(), l.layer().weight().value().toArray(), l.name());
            Int8Weights f = assertInstanceOf(Int8Weights.class, l.layer().weight().inferenceWeights());
            assertEquals(Int8Weights.Scheme.W8A8_DYNAMIC, f.scheme());
        }
        float[] y = TestModels.forwardNoGrad(m, x);
        assertTrue(maxAbsDiff(ref, y) < 0.05 * maxAbs(ref) + 1e-3, "int8 logits stay close: " + maxAbsDiff(ref, y));
        Quantizer.revert(q);
        assertArrayEquals(firstBefore, layers.get(0).weight().value().toArray());
        assertNull(layers.get(0).weight().inferenceWeights());
        TestModels.assertCloseOutputs(ref, TestModels.forwardNoGrad(m, x));
    }

    @Test
    void staticSchemeNeedsCalibratedScalesAndKeepListIsHonoured() {
        Model m = TestModels.fashion("gru", 5);
        Tensor x = TestModels.images(4, 6);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(layers, Quantizer.Options.of(QuantScheme.W8A8_STATIC)));
        List<QuantizedLayer> q = Quantizer.quantize(m, layers, QuantScheme.W8A8_STATIC, Calibration.MIN_MAX, List.of(x));
        for (QuantizedLayer l : q) {
            Int8Weights f = assertInstanceOf(Int8Weights.class, l.form());
            assertEquals(l.activationScale(), f.activationScale());
            assertTrue(l.activationScale() > 0);
        }
        Quantizer.revert(q);
        String head = layers.get(layers.size() - 1).name();
        List<QuantizedLayer> q4 = Quantizer.quantize(layers, Quantizer.Options.of(QuantScheme.INT4_WEIGHT).keeping(Set.of(head)));
        assertEquals(layers.size() - 1, q4.size());
        assertInstanceOf(Int4Weights.class, q4.get(0).form());
        assertNull(layers.get(layers.size() - 1).weight().inferenceWeights());
    }

    @Test
    void calibrationMethodsOrderTheirThresholds() {
        Model m = TestModels.fashion("mlp", 7);
        List<Tensor> batches = List.of(TestModels.images(8, 8), TestModels.images(8, 9));
        List<LinearLayer> layers = LinearLayers.probe(m, batches.get(0));
        Map<String, Float> minMax = Calibration.MIN_MAX.activationScales(m, layers, batches);
        Map<String, Float> p100 = Calibration.percentile(100).activationScales(m, layers, batches);
        Map<String, Float> p99 = Calibration.percentile(99).activationScales(m, layers, batches);
        Map<String, Float> mse = Calibration.MSE.activationScales(m, layers, batches);
        // The first layer sees the pixels themselves, all below 1 and very near it at the top.
        float first = minMax.get(layers.get(0).name());
        assertTrue(first > 0.99f / 127 && first < 1f / 127 + 1e-7f, "max pixel / 127: " + first);
        for (LinearLayer l : layers) {
            String n = l.name();
            assertEquals(minMax.get(n), p100.get(n), n);
            assertTrue(p99.get(n) <= minMax.get(n), n);
            assertTrue(mse.get(n) <= minMax.get(n) && mse.get(n) >= 0.01f * minMax.get(n) - 1e-9f, n);
        }
    }

    @Test
    void mseCalibrationClipsAHeavyTail() {
        SplittableRandom r = new SplittableRandom(1);
        float[] abs = new float[20000];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = (float) Math.abs(r.nextGaussian());
        }
        abs[0] = 40f;                                       // one outlier
        float mse = Calibration.MSE.scale(abs, 40f);
        // Clipping the outlier costs (40 − t)², widening the step costs every other value: the optimum
        // clips a little, and its error is below min-max's.
        assertTrue(mse < 40f / 127, "the outlier is clipped: threshold " + mse * 127);
        assertTrue(error(abs, mse) < error(abs, 40f / 127), "MSE's threshold has the smaller error");
        assertEquals(40f / 127, Calibration.MIN_MAX.scale(abs, 40f));
        assertEquals(1f / 127, Calibration.MIN_MAX.scale(new float[] {0, 0}, 0f), "an all-zero input still gets a loadable scale");
    }

    @Test
    void mseWeightClippingNeverLosesToPlainAbsMax() {
        SplittableRandom r = new SplittableRandom(2);
        int rows = 16, cols = 64;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * (i % 37 == 0 ? 8 : 1));   // outliers
        }
        for (boolean int8 : new boolean[] {true, false}) {
            float[] plain = int8 ? dev.joule.kernel.quant.Int8Matrix.quantize(w, 0, rows, cols).dequantize()
                    : dev.joule.kernel.quant.Int4Matrix.quantize(w, 0, rows, cols).dequantize();
            float[] c = WeightClipping.mseClipped(w, rows, cols, int8);
            float[] clipped = int8 ? dev.joule.kernel.quant.Int8Matrix.quantize(c, 0, rows, cols).dequantize()
                    : dev.joule.kernel.quant.Int4Matrix.quantize(c, 0, rows, cols).dequantize();
            assertTrue(sq(w, clipped) <= sq(w, plain) + 1e-9, (int8 ? "int8" : "int4") + " " + sq(w, clipped) + " vs " + sq(w, plain));
        }
    }

    private static double error(float[] abs, float scale) {
        double e = 0;
        for (float v : abs) {
            double d = v - scale * Math.max(-127, Math.min(127, Math.rint(v / scale)));
            e += d * d;
        }
        return e;
    }

    static double sq(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
