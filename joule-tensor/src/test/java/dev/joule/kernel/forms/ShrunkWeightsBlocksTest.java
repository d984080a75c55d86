package dev.joule.kernel.forms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.kernel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run-wise gather and scatter and the row blocks of {@link ShrunkWeights} give exactly the values of
 * the plain algorithm: gather every kept column by index, one small product on the whole batch, fill
 * the output with zeros, write every kept row by index. Checked bit for bit on batches that are cut
 * into blocks and ones that are not, on one and two threads, with long and short runs of kept indices.
 */
class ShrunkWeightsBlocksTest {

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void equalsThePlainGatherProductScatterBitForBit() {
        SplittableRandom rnd = new SplittableRandom(17);
        int out = 256, in = 128;
        int seed = 100;
        int[][] rowSets = {keep(rnd, out, 0.75), IntStream.range(10, 200).toArray(), keep(rnd, out, 0.1),
            IntStream.range(0, out).toArray()};
        int[][] colSets = {keep(rnd, in, 0.5), IntStream.concat(IntStream.range(0, 40), IntStream.range(60, 70)).toArray(),
            IntStream.range(0, in).toArray()};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] kr : rowSets) {
                for (int[] kc : colSets) {
                    float[] w = FormsTestData.random(seed++, out * in, 1);
                    ShrunkWeights plain = ShrunkWeights.of(w, out, in, kr, kc);
                    ShrunkWeights packed = ShrunkWeights.of(out, in, kr, kc,
                            PackedDenseWeights.of(kr.length, kc.length, smallOf(w, in, kr, kc)));
                    for (int rows : new int[] {1, 7, 300, 1001}) {
                        float[] x = FormsTestData.random(seed++, 3 + rows * in, 2);
                        for (ShrunkWeights form : new ShrunkWeights[] {plain, packed}) {
                            String what = form.kernel() + ", " + rows + " rows, " + threads + " threads";
                            float[] expected = reference(form, x, 3, rows);
                            float[] y = new float[5 + rows * out + 2];
                            Arrays.fill(y, Float.NaN);
                            form.multiply(x, 3, rows, y, 5);
                            assertArrayEquals(expected, Arrays.copyOfRange(y, 5, 5 + rows * out), what);
                            assertEquals(Float.NaN, y[4], what + ": wrote before y");
                            assertEquals(Float.NaN, y[5 + rows * out], what + ": wrote after y");
                        }
                    }
                }
            }
        }
    }

    private static int[] keep(SplittableRandom rnd, int n, double fraction) {
        return IntStream.range(0, n).filter(i -> rnd.nextDouble() < fraction).toArray();
    }

    private static float[] smallOf(float[] w, int in, int[] kr, int[] kc) {
        float[] s = new float[kr.length * kc.length];
        for (int r = 0; r < kr.length; r++) {
            for (int c = 0; c < kc.length; c++) {
                s[r * kc.length + c] = w[kr[r] * in + kc[c]];
            }
        }
        return s;
    }

    /** Gather by index, the small form on the whole batch in one call, zero-filled output, scatter by index. */
    private static float[] reference(ShrunkWeights form, float[] x, int xOff, int rows) {
        int[] kr = form.keptRows();
        int[] kc = form.keptCols();
        int out = form.outFeatures(), in = form.inFeatures();
        float[] xs = new float[rows * kc.length];
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < kc.length; c++) {
                xs[b * kc.length + c] = x[xOff + b * in + kc[c]];
            }
        }
        float[] ys = new float[rows * kr.length];
        form.small().multiply(xs, 0, rows, ys, 0);
        float[] y = new float[rows * out];
        for (int b = 0; b < rows; b++) {
            for (int r = 0; r < kr.length; r++) {
                y[b * out + kr[r]] = ys[b * kr.length + r];
            }
        }
        return y;
    }
}
