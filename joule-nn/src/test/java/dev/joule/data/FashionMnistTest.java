package dev.joule.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void missingDirectoryGivesInstallHint() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> FashionMnist.load(dir.resolve("none")));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist") && e.getMessage().contains("none"), e.getMessage());
    }

    @Test
    void loadsAndScalesPixels() throws Exception {
        FashionMnist data = FashionMnist.load(IdxTestFiles.fakeFashionMnist(dir, 12));
        assertEquals(12, data.train().size());
        assertEquals(12, data.test().size());
        Batch b = data.train().batch(new int[] {3, 0});
        assertArrayEquals(new int[] {2, 28, 28}, b.inputs().shape());
        assertArrayEquals(new int[] {3, 0}, b.targets());
        assertEquals(3 / 255f, b.inputs().get(0, 0, 0));
        assertEquals(((3 + 783) % 256) / 255f, b.inputs().get(0, 27, 27));
        assertEquals(0f, b.inputs().get(1, 0, 0));
        assertEquals(5, data.train().limit(5).size());
    }

    @Test
    void labelCountMismatchIsAFormatError() throws Exception {
        IdxTestFiles.fakeFashionMnist(dir, 4);
        IdxTestFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxTestFiles.idx(0x801, new int[] {3}, new byte[3]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("t10k-labels") && e.getMessage().contains("expected 4"), e.getMessage());
    }

    @Test
    void realDataWhenInstalled() {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        FashionMnist data = FashionMnist.load();
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        int[] perClass = new int[10];
        for (int i = 0; i < data.test().size(); i++) {
            perClass[data.test().label(i)]++;
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
        float[] x = data.train().range(0, 10).inputs().toArray();
        float max = 0;
        for (float v : x) {
            assertTrue(v >= 0f && v <= 1f);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }
}
