package dev.joule.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path dir;

    @Test
    void readsDimensionsAndBytes() throws Exception {
        Path f = IdxTestFiles.write(dir.resolve("a.gz"), IdxTestFiles.idx(0x803, new int[] {2, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255}));
        IdxFile idx = IdxFile.read(f, 3, 2, 3);
        assertArrayEquals(new int[] {2, 2, 3}, idx.dims());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255}, idx.data());
    }

    @Test
    void badMagicNamesFileAndBothValues() throws Exception {
        Path f = IdxTestFiles.write(dir.resolve("bad.gz"), IdxTestFiles.idx(0x0D03, new int[] {1, 28, 28}, new byte[784]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFile.read(f, 3, 28, 28));
        assertTrue(e.getMessage().contains("bad.gz") && e.getMessage().contains("0x00000803") && e.getMessage().contains("0x00000D03"), e.getMessage());
    }

    @Test
    void wrongDimensions() throws Exception {
        Path f = IdxTestFiles.write(dir.resolve("dims.gz"), IdxTestFiles.idx(0x803, new int[] {1, 28, 27}, new byte[28 * 27]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFile.read(f, 3, 28, 28));
        assertTrue(e.getMessage().contains("dims.gz") && e.getMessage().contains("[N, 28, 28]") && e.getMessage().contains("[1, 28, 27]"), e.getMessage());
    }

    @Test
    void shortData() throws Exception {
        Path f = IdxTestFiles.write(dir.resolve("short.gz"), IdxTestFiles.idx(0x803, new int[] {2, 28, 28}, new byte[784 + 10]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFile.read(f, 3, 28, 28));
        assertTrue(e.getMessage().contains("short.gz") && e.getMessage().contains("1568") && e.getMessage().contains("794"), e.getMessage());
    }

    @Test
    void notGzip() throws Exception {
        Path f = dir.resolve("plain.gz");
        Files.write(f, IdxTestFiles.idx(0x801, new int[] {3}, new byte[3]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFile.read(f, 1));
        assertTrue(e.getMessage().contains("plain.gz") && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void truncatedGzip() throws Exception {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.idx(0x801, new int[] {1000}, new byte[1000]));
        Path f = dir.resolve("cut.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFile.read(f, 1));
        assertTrue(e.getMessage().contains("cut.gz"), e.getMessage());
    }
}
