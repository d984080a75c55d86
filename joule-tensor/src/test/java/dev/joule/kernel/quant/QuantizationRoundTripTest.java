package dev.joule.kernel.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Quantize/dequantize error bounds, the rounding rule, and the int4 nibble layout. */
class QuantizationRoundTripTest {

    static float[] random(long seed, int n, double range) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
        return x;
    }

    /**
     * Per element, |w − scale · q| ≤ scale / 2, plus one part in 10^6 for the float division before
     * rounding and one ulp of w for the float product that decodes it.
     */
    private static void assertWithinHalfStep(float w, float scale, float decoded, String where) {
        double bound = scale / 2.0 * (1 + 1e-6) + Math.ulp(w);
        assertTrue(Math.abs((double) w - decoded) <= bound,
                where + ": " + w + " decodes to " + decoded + ", error above scale/2 = " + scale / 2);
    }

    @Property(tries = 60)
    void int8WeightsRoundTripWithinHalfAScalePerRow(@ForAll @IntRange(min = 1, max = 9) int rows,
                                                    @ForAll @IntRange(min = 1, max = 300) int cols,
                                                    @ForAll @IntRange(min = 0, max = 1000) int seed) {
        float[] w = random(seed, rows * cols, 3.0);
        Int8Matrix q = Int8Matrix.quantize(w, 0, rows, cols);
        float[] back = q.dequantize();
        for (int o = 0; o < rows; o++) {
            float amax = 0f;
            for (int i = 0; i < cols; i++) {
                amax = Math.max(amax, Math.abs(w[o * cols + i]));
                assertTrue(q.codes()[o * cols + i] >= -127, "code below -127");
            }
            assertEquals(amax / 127f, q.scales()[o], 0f, "scale of row " + o);
            for (int i = 0; i < cols; i++) {
                assertWithinHalfStep(w[o * cols + i], q.scales()[o], back[o * cols + i], "(" + o + ", " + i + ")");
            }
        }
    }

    @Property(tries = 60)
    void int8ActivationsRoundTripWithinHalfAScalePerRow(@ForAll @IntRange(min = 1, max = 6) int rows,
                                                        @ForAll @IntRange(min = 1, max = 200) int cols,
                                                        @ForAll @IntRange(min = 0, max = 1000) int seed) {
        float[] x = random(seed, 3 + rows * cols, 50.0);
        Int8Activations q = Int8Activations.of(x, 3, rows, cols);
        float[] back = q.dequantize();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                assertWithinHalfStep(x[3 + r * cols + i], q.scales()[r], back[r * cols + i], "row " + r);
            }
        }
    }

    @Property(tries = 60)
    void int4RoundTripWithinHalfAScalePerBlock(@ForAll @IntRange(min = 1, max = 5) int rows,
                                               @ForAll @IntRange(min = 1, max = 200) int cols,
                                               @ForAll @IntRange(min = 0, max = 1000) int seed) {
        float[] w = random(seed, rows * cols, 2.0);
        Int4Matrix q = Int4Matrix.quantize(w, 0, rows, cols);
        float[] back = q.dequantize();
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                float scale = q.scales()[o * q.blocksPerRow() + i / Int4Matrix.BLOCK];
                int code = q.code(o, i);
                assertTrue(code >= -7 && code <= 7, "code " + code + " outside -7..7");
                assertWithinHalfStep(w[o * cols + i], scale, back[o * cols + i], "(" + o + ", " + i + ")");
            }
        }
    }

    @Test
    void roundsHalfToEvenAndKeepsTheExtremesSymmetric() {
        // amax = 127 gives scale 1: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, -127 -> -127.
        float[] x = {127f, 2.5f, 3.5f, -2.5f, -127f, 0.5f, -0.5f, 1.5f};
        Int8Activations q = Int8Activations.of(x, 0, 1, x.length);
        assertEquals(1f, q.scales()[0]);
        assertArrayEquals(new byte[] {127, 2, 4, -2, -127, 0, 0, 2}, q.codes());
    }

    @Test
    void zeroRowsGetScaleZeroAndCodeZero() {
        Int8Matrix q = Int8Matrix.quantize(new float[6], 0, 2, 3);
        assertArrayEquals(new float[2], q.scales());
        assertArrayEquals(new byte[6], q.codes());
        Int4Matrix q4 = Int4Matrix.quantize(new float[40], 0, 1, 40);
        assertArrayEquals(new float[40], q4.dequantize());
    }

    @Test
    void int4PacksElementJLowAndElementJPlus16HighAndPadsWithNibbleEight() {
        // One row of 40: a full block with codes -7..7 cycling, then a partial block of 8.
        int cols = 40;
        float[] w = new float[cols];
        for (int i = 0; i < cols; i++) {
            w[i] = (i % 15) - 7; // block amax 7 -> scale 1, codes equal the values
        }
        float[] tail = {7, -7, 0, 1, -1, 3, -3, 5}; // the partial block, amax 7 as well
        System.arraycopy(tail, 0, w, 32, tail.length);
        Int4Matrix q = Int4Matrix.quantize(w, 0, 1, cols);
        assertEquals(2, q.blocksPerRow());
        assertEquals(2 * Int4Matrix.BLOCK_BYTES, q.packed().length);
        for (int j = 0; j < Int4Matrix.BLOCK_BYTES; j++) {
            int b = q.packed()[j] & 0xFF;
            assertEquals((int) w[j] + 8, b & 0xF, "low nibble of byte " + j);
            assertEquals((int) w[j + 16] + 8, b >>> 4, "high nibble of byte " + j);
        }
        for (int j = 0; j < Int4Matrix.BLOCK_BYTES; j++) {
            int b = q.packed()[Int4Matrix.BLOCK_BYTES + j] & 0xFF;
            int expectedLow = j < 8 ? (int) w[32 + j] + 8 : 8;
            assertEquals(expectedLow, b & 0xF, "low nibble of padded block byte " + j);
            assertEquals(8, b >>> 4, "high nibble of padded block byte " + j);
        }
        // Re-wrapping the packed bytes decodes to the same codes.
        Int4Matrix again = new Int4Matrix(1, cols, q.packed().clone(), q.scales().clone());
        for (int i = 0; i < cols; i++) {
            assertEquals((int) w[i], again.code(0, i), "code " + i);
        }
        assertArrayEquals(w, again.dequantize());
    }

    @Test
    void rejectsBadInputsWithMessagesThatNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Int8Matrix(1, 2, new byte[] {0, -128}, new float[1]));
        assertTrue(e.getMessage().contains("-128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Int8Matrix.quantize(new float[] {1f, Float.NaN}, 0, 1, 2));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Int4Matrix(2, 33, new byte[16], new float[4]));
        assertTrue(e.getMessage().contains("expected 64"), e.getMessage());
    }
}
