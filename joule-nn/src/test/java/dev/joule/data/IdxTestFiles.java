package dev.joule.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small gzip IDX files (and a fake Fashion-MNIST directory) for tests. */
final class IdxTestFiles {
    private IdxTestFiles() {}

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        return bos.toByteArray();
    }

    static Path write(Path file, byte[] raw) throws IOException {
        Files.write(file, gzip(raw));
        return file;
    }

    /** A Fashion-MNIST directory with {@code n} training and {@code n} test images; pixel p of image i is (i + p) mod 256, label i mod 10. */
    static Path fakeFashionMnist(Path dir, int n) throws IOException {
        for (String prefix : new String[] {"train", "t10k"}) {
            byte[] pixels = new byte[n * 28 * 28];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
                for (int p = 0; p < 784; p++) {
                    pixels[i * 784 + p] = (byte) ((i + p) % 256);
                }
            }
            write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), idx(0x803, new int[] {n, 28, 28}, pixels));
            write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), idx(0x801, new int[] {n}, labels));
        }
        return dir;
    }
}
