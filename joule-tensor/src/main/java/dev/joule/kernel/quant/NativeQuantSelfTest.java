package dev.joule.kernel.quant;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The start-up check before {@link QuantKernels#get()} trusts the native kernel: random codes over
 * shapes with tails (columns not a multiple of 4, 1 to 13 rows of activations, so full six-row tiles
 * and every remainder, output rows not a multiple of 16 and more than four blocks) and the extreme
 * codes (all 127 against all −127), compared with {@link ScalarQuantKernels} for identical int32 sums and identical f32 outputs; and the activation quantizer against {@link Int8Activations#quantize}
 * (codes and scales, ties included). Milliseconds.
 */
final class NativeQuantSelfTest {
    private static final int[][] SHAPES = { // batch, out, in
        {1, 1, 1}, {1, 7, 63}, {1, 9, 64}, {2, 5, 65}, {3, 13, 200}, {4, 8, 128}, {5, 6, 321}, {1, 33, 1031},
        {6, 16, 4}, {7, 40, 102}, {13, 70, 385}, {12, 129, 66},
    };

    private NativeQuantSelfTest() {}

    /** Empty when every case matches; otherwise the first mismatch. */
    static Optional<String> run(QuantKernels candidate) {
        QuantKernels reference = new ScalarQuantKernels();
        SplittableRandom rnd = new SplittableRandom(0x5EEDL);
        for (int[] shape : SHAPES) {
            for (int variant = 0; variant < 2; variant++) {
                Optional<String> bad = check(candidate, reference, rnd, shape[0], shape[1], shape[2], variant == 1);
                if (bad.isPresent()) {
                    return bad;
                }
            }
        }
        return quantizer(candidate, rnd);
    }

    /** Codes and scales of the activation quantizer, including exact ties (x / scale = k + 0.5), an all-zero row and tails. */
    private static Optional<String> quantizer(QuantKernels candidate, SplittableRandom rnd) {
        int rows = 4, cols = 77;
        float[] x = new float[1 + rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3);
        }
        for (int i = 0; i < cols; i++) { // row 1: amax 127, so scale 1 and halves are ties
            x[1 + cols + i] = i == 0 ? 127f : (i - 38) + 0.5f;
        }
        Arrays.fill(x, 1 + 2 * cols, 1 + 3 * cols, 0f);
        Int8Activations want = new Int8Activations(rows, cols).quantize(x, 1);
        Int8Activations got = candidate.quantizeActivations(x, 1, new Int8Activations(rows, cols));
        if (!Arrays.equals(want.codes(), got.codes()) || !Arrays.equals(want.scales(), got.scales())) {
            return Optional.of("native activation quantization differs from Int8Activations.quantize");
        }
        return Optional.empty();
    }

    private static Optional<String> check(QuantKernels candidate, QuantKernels reference, SplittableRandom rnd,
                                          int batch, int out, int in, boolean extreme) {
        Int8Activations x = new Int8Activations(batch, in);
        fill(x.codes(), rnd, extreme ? 127 : 0);
        for (int b = 0; b < batch; b++) {
            x.scales()[b] = (float) rnd.nextDouble(1e-4, 1);
        }
        byte[] codes = new byte[out * in];
        fill(codes, rnd, extreme ? -127 : 0);
        float[] scales = new float[out];
        for (int o = 0; o < out; o++) {
            scales[o] = (float) rnd.nextDouble(1e-4, 1);
        }
        Int8Matrix w = new Int8Matrix(out, in, codes, scales);
        int[] want = new int[batch * out];
        int[] got = new int[batch * out];
        reference.accumulateW8A8(x, w, want, 0);
        candidate.accumulateW8A8(x, w, got, 0);
        String shape = batch + " × " + in + " by " + out + " × " + in + (extreme ? " (codes 127 by -127)" : "");
        if (!Arrays.equals(want, got)) {
            return Optional.of("native int32 sums differ from the scalar reference at " + shape);
        }
        float[] wantY = new float[batch * out];
        float[] gotY = new float[batch * out];
        reference.gemmW8A8(x, w, wantY, 0);
        candidate.gemmW8A8(x, w, gotY, 0);
        if (!Arrays.equals(wantY, gotY)) {
            return Optional.of("native W8A8 outputs differ from the scalar reference at " + shape);
        }
        return Optional.empty();
    }

    /** Random codes in [-127, 127], or every code {@code constant} when that is not 0 (the largest sums). */
    private static void fill(byte[] codes, SplittableRandom rnd, int constant) {
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (constant != 0 ? constant : rnd.nextInt(-127, 128));
        }
    }
}
