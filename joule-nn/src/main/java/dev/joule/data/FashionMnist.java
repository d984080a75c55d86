package dev.joule.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST from the gzip IDX files of the Debian package {@code dataset-fashion-mnist}:
 * 60,000 training and 10,000 test images of 28x28 pixels in 10 classes.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int SIDE = 28;
    public static final int NUM_CLASSES = 10;

    private final LabeledImages train;
    private final LabeledImages test;

    private FashionMnist(LabeledImages train, LabeledImages test) {
        this.train = train;
        this.test = test;
    }

    public static FashionMnist load() {
        return load(DEFAULT_DIR);
    }

    /** Loads both splits from {@code dir}; a missing file names the install command. */
    public static FashionMnist load(Path dir) {
        if (!isInstalled(dir)) {
            throw new DatasetNotFoundException("Fashion-MNIST not found in " + dir
                    + "; install it with: apt-get install dataset-fashion-mnist (or pass --data DIR)");
        }
        return new FashionMnist(split(dir, "train"), split(dir, "t10k"));
    }

    /** Whether all four files are present in {@code dir}. */
    public static boolean isInstalled(Path dir) {
        for (String prefix : new String[] {"train", "t10k"}) {
            if (!Files.isRegularFile(dir.resolve(prefix + "-images-idx3-ubyte.gz"))
                    || !Files.isRegularFile(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
                return false;
            }
        }
        return true;
    }

    public LabeledImages train() {
        return train;
    }

    public LabeledImages test() {
        return test;
    }

    private static LabeledImages split(Path dir, String prefix) {
        Path imageFile = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labelFile = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        IdxFile images = IdxFile.read(imageFile, 3, SIDE, SIDE);
        IdxFile labels = IdxFile.read(labelFile, 1);
        if (labels.dims()[0] != images.dims()[0]) {
            throw new DataFormatException(labelFile + ": expected " + images.dims()[0]
                    + " labels (one per image in " + imageFile.getFileName() + "), found " + labels.dims()[0]);
        }
        byte[] y = labels.data();
        for (int i = 0; i < y.length; i++) {
            if ((y[i] & 0xFF) >= NUM_CLASSES) {
                throw new DataFormatException(labelFile + ": label " + i + " is " + (y[i] & 0xFF)
                        + ", expected a class in [0, " + NUM_CLASSES + ")");
            }
        }
        return new LabeledImages(images.data(), y, images.dims()[0], SIDE, SIDE, NUM_CLASSES);
    }
}
