package dev.joule.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The native few-row f32 kernel ({@code libjoulegemm.so}) against the scalar FMA-chain reference, bit
 * for bit, at every row count it splits differently (1-12 rows, twelve-row blocks plus a rest), with
 * offsets and leading dimensions, and its bound checks. Skipped where the kernel is not in use (no gcc
 * at build time, no AVX-512); SmallRowsGemmTest then covers the Java path alone, and where it is in use
 * also compares the two (pre-packed against per-call products).
 */
class NativeGemmTest {
    private static final float SENTINEL = -777f;

    @Test
    void matchesTheFmaChainReferenceBitForBit() {
        assumeTrue(NativeGemm.available(), "the native f32 kernel is not in use on this machine");
        SplittableRandom rnd = new SplittableRandom(44);
        for (int k : new int[] {1, 3, 37, 384}) {
            for (int panels : new int[] {1, 3}) {
                for (int m = 1; m <= 48; m += m < 26 ? 1 : 11) {
                    int aOff = rnd.nextInt(5);
                    int lda = k + rnd.nextInt(4);
                    int pbOff = rnd.nextInt(3) * 16;
                    int ldc = panels * NativeGemm.PANEL + rnd.nextInt(9);
                    int cOff = rnd.nextInt(7);
                    float[] a = GemmDifferentialTest.randomArray(rnd, aOff + m * lda);
                    float[] pb = GemmDifferentialTest.randomArray(rnd, pbOff + panels * k * NativeGemm.PANEL);
                    float[] got = new float[cOff + m * ldc + 3];
                    Arrays.fill(got, SENTINEL);
                    float[] want = got.clone();
                    assertTrue(NativeGemm.multiply(m, k, a, aOff, lda, pb, pbOff, panels, got, cOff, ldc));
                    NativeGemm.reference(m, k, a, aOff, lda, pb, pbOff, panels, want, cOff, ldc);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                                "m=" + m + " k=" + k + " panels=" + panels + " at " + i + ": " + got[i] + " against "
                                        + want[i] + " (outside C must stay " + SENTINEL + ")");
                    }
                }
            }
        }
    }

    @Test
    void operandsThatDoNotFitTheirArraysAreRefusedBeforeAnyNativeCode() {
        assumeTrue(NativeGemm.available(), "the native f32 kernel is not in use on this machine");
        int m = 4;
        int k = 8;
        float[] a = new float[m * k];
        float[] pb = new float[k * NativeGemm.PANEL];
        float[] c = new float[m * NativeGemm.PANEL];
        IndexOutOfBoundsException shortA = assertThrows(IndexOutOfBoundsException.class,
                () -> NativeGemm.multiply(m, k, a, 1, k, pb, 0, 1, c, 0, NativeGemm.PANEL));
        assertTrue(shortA.getMessage().contains("A needs"), shortA.getMessage());
        IndexOutOfBoundsException shortB = assertThrows(IndexOutOfBoundsException.class,
                () -> NativeGemm.multiply(m, k, a, 0, k, pb, 0, 2, c, 0, 2 * NativeGemm.PANEL));
        assertTrue(shortB.getMessage().contains("packed B needs"), shortB.getMessage());
        IndexOutOfBoundsException shortC = assertThrows(IndexOutOfBoundsException.class,
                () -> NativeGemm.multiply(m + 1, k, new float[(m + 1) * k], 0, k, pb, 0, 1, c, 0, NativeGemm.PANEL));
        assertTrue(shortC.getMessage().contains("C needs"), shortC.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> NativeGemm.multiply(m, k, a, 0, k - 1, pb, 0, 1, c, 0, NativeGemm.PANEL));
    }
}
