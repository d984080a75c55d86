package dev.joule.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Small on-disk data sets for CLI tests: a Fashion-MNIST look-alike and a text corpus. */
final class FakeData {
    private FakeData() {}

    /** {@code n} images per split whose brightness encodes the class, so a model can learn them. */
    static Path fashionMnist(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rng = new SplittableRandom(1);
        for (String prefix : new String[] {"train", "t10k"}) {
            byte[] pixels = new byte[n * 784];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
                for (int p = 0; p < 784; p++) {
                    pixels[i * 784 + p] = (byte) (p % 10 == i % 10 ? 200 + rng.nextInt(50) : rng.nextInt(30));
                }
            }
            write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), idx(0x803, new int[] {n, 28, 28}, pixels));
            write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), idx(0x801, new int[] {n}, labels));
        }
        return dir;
    }

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static void write(Path file, byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        Files.write(file, bos.toByteArray());
    }

    static Path corpus(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] words = {"the ", "cat ", "sat ", "on ", "a ", "mat. ", "then ", "it ", "ran.\n"};
        SplittableRandom rng = new SplittableRandom(2);
        while (sb.length() < 4000) {
            sb.append(words[rng.nextInt(words.length)]);
        }
        Files.writeString(file, sb.toString());
        return file;
    }
}
