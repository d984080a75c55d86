package dev.joule.kernel.forms;

import static dev.joule.kernel.forms.FormsTestData.SHAPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.QuantKernels;
import org.junit.jupiter.api.Test;

/** Int4 weight-only against the dense product on its dequantized matrix, on every quantized kernel. */
class Int4WeightsTest {

    @Test
    void weightOnlyIsTheDenseProductOnTheDequantizedMatrix() {
        int seed = 1;
        for (QuantKernels k : FormsTestData.quantKernels()) {
            for (int[] s : SHAPES) {
                int rows = s[0], out = s[1], in = s[2];
                Int4Weights form = Int4Weights.weightOnly(
                        Int4Matrix.quantize(FormsTestData.random(seed++, out * in, 1), 0, out, in), k);
                float[] w = form.toDense();
                float[] x = FormsTestData.random(seed++, rows * in, 2);
                float[] y = FormsTestData.run(form, x, rows);
                double[] mag = FormsTestData.magnitude(w, out, in, x, 0, rows);
                String what = k.name() + " int4 " + rows + "×" + out + "×" + in;
                FormsTestData.assertClose(FormsTestData.reference(w, out, in, x, 0, rows), mag, y, what);
                float[] dense = FormsTestData.run(new DenseWeights(out, in, w), x, rows);
                FormsTestData.assertClose(Int8WeightsTest.toDouble(dense), mag, y, what + " vs DenseWeights");
            }
        }
    }

    @Test
    void describesItself() {
        Int4Matrix m = Int4Matrix.quantize(FormsTestData.random(3, 5 * 40, 1), 0, 5, 40);
        Int4Weights form = Int4Weights.weightOnly(m);
        assertEquals("int4 block 32", form.format());
        assertEquals(200, form.macsPerRow());
        assertEquals(m.sizeBytes(), form.storedBytes());
        assertArrayEquals(m.dequantize(), form.toDense(), 0f);
    }
}
