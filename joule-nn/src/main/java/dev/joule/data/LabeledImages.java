package dev.joule.data;

import dev.joule.tensor.Tensor;

/**
 * Grey-scale images with class labels, kept as bytes (a quarter of the memory of floats) and
 * scaled to [0, 1] floats only when a batch is built.
 */
public final class LabeledImages implements Dataset {
    private final byte[] pixels;
    private final byte[] labels;
    private final int count;
    private final int height;
    private final int width;
    private final int numClasses;

    public LabeledImages(byte[] pixels, byte[] labels, int count, int height, int width, int numClasses) {
        if ((long) count * height * width > pixels.length || count > labels.length) {
            throw new IllegalArgumentException(count + " images of " + height + "x" + width + " need "
                    + (long) count * height * width + " pixels and " + count + " labels, got "
                    + pixels.length + " and " + labels.length);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    @Override
    public int size() {
        return count;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    public int label(int i) {
        return labels[i] & 0xFF;
    }

    /** The first {@code n} examples (all of them when {@code n} is at least the size). */
    public LabeledImages limit(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + n);
        }
        return n >= count ? this : new LabeledImages(pixels, labels, n, height, width, numClasses);
    }

    @Override
    public Batch batch(int[] indices) {
        int pixelsPerImage = height * width;
        float[] x = new float[indices.length * pixelsPerImage];
        int[] y = new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException("example " + i + " of " + count);
            }
            int src = i * pixelsPerImage;
            int dst = b * pixelsPerImage;
            for (int p = 0; p < pixelsPerImage; p++) {
                x[dst + p] = (pixels[src + p] & 0xFF) / 255f;
            }
            y[b] = label(i);
        }
        return new Batch(Tensor.of(x, indices.length, height, width), y);
    }
}
