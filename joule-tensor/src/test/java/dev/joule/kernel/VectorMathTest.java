package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** The fixed-order lane sum and the polynomial exp against scalar references, at every float width. */
class VectorMathTest {
    @SuppressWarnings("unchecked")
    private static final VectorSpecies<Float>[] SPECIES = new VectorSpecies[] {
        FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512};

    @Test
    void sumIsTheHalvingTreeBitForBit() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (VectorSpecies<Float> sp : SPECIES) {
            for (int round = 0; round < 200; round++) {
                float[] x = new float[sp.length()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-3, 4)));
                }
                // Lane i + L/2 onto lane i, then i + L/4, ... down to lane 0, in scalar float arithmetic.
                float[] t = x.clone();
                for (int d = t.length / 2; d >= 1; d /= 2) {
                    float[] next = t.clone();
                    for (int i = 0; i < t.length; i++) {
                        next[i] = t[i] + t[i ^ d];
                    }
                    t = next;
                }
                assertEquals(Float.floatToRawIntBits(t[0]), Float.floatToRawIntBits(VectorMath.sum(FloatVector.fromArray(sp, x, 0))),
                        sp + " round " + round);
            }
        }
        int[] ints = {1, -2, 3, Integer.MAX_VALUE, 5, 6, 7, 8};
        assertEquals(Integer.MAX_VALUE + 28, VectorMath.sum(IntVector.fromArray(IntVector.SPECIES_256, ints, 0)));
    }

    @Test
    void expIsWithinTwoUlpOfMathExpAndZeroBelowTheNormalRange() {
        for (VectorSpecies<Float> sp : SPECIES) {
            float[] y = new float[sp.length()];
            float[] out = new float[sp.length()];
            for (float start = -87f; start < 88f; start += 0.37f * sp.length()) {
                for (int i = 0; i < y.length; i++) {
                    y[i] = start + 0.37f * i;
                }
                VectorMath.exp(FloatVector.fromArray(sp, y, 0)).intoArray(out, 0);
                for (int i = 0; i < y.length; i++) {
                    if (y[i] > 88f) {
                        continue;
                    }
                    double expected = Math.exp(y[i]);
                    assertTrue(Math.abs(out[i] - expected) <= 2 * Math.ulp((float) expected),
                            "e^" + y[i] + " = " + out[i] + ", Math.exp " + expected);
                }
            }
            java.util.Arrays.fill(y, Float.NEGATIVE_INFINITY);
            y[0] = -100f;
            y[1] = Float.NaN;
            y[2] = 0f;
            VectorMath.exp(FloatVector.fromArray(sp, y, 0)).intoArray(out, 0);
            assertEquals(0f, out[0], "e^-100 is below the normal range: 0");
            assertTrue(Float.isNaN(out[1]), "NaN stays NaN");
            assertEquals(1f, out[2]);
            for (int i = 3; i < y.length; i++) {
                assertEquals(0f, out[i], "e^-inf");
            }
        }
    }
}
