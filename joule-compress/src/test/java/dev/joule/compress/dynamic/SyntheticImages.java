package dev.joule.compress.dynamic;

import dev.joule.data.LabeledImages;
import java.util.SplittableRandom;

/**
 * Small 28×28 images a tiny model learns in a few dozen steps: class c lights columns 2c..2c+1 over noise (in every row,
 * so each row token carries the class).
 * Every fourth image also lights a second class's columns at 60 % brightness, so confidence varies between
 * inputs and thresholds have something to separate.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    public static LabeledImages make(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] pixels = new byte[count * 28 * 28];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int c = rng.nextInt(10);
            labels[n] = (byte) c;
            int base = n * 784;
            for (int p = 0; p < 784; p++) {
                pixels[base + p] = (byte) rng.nextInt(70);
            }
            light(pixels, base, c, 200 + rng.nextInt(55));
            if (n % 4 == 0) {
                light(pixels, base, (c + 1 + rng.nextInt(9)) % 10, 120 + rng.nextInt(60));
            }
        }
        return new LabeledImages(pixels, labels, count, 28, 28, 10);
    }

    private static void light(byte[] pixels, int base, int c, int value) {
        for (int r = 0; r < 28; r++) {
            for (int x = 2 * c; x < 2 * c + 2; x++) {
                pixels[base + r * 28 + x] = (byte) value;
            }
        }
    }
}
