package dev.joule.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip-compressed IDX file of unsigned bytes (the MNIST family's format).
 *
 * <pre>
 * offset 0: 0x00 0x00 | type 0x08 (ubyte) | rank r
 * offset 4: r big-endian int32 dimensions
 * then:     product(dims) bytes, row-major
 * </pre>
 */
public record IdxFile(int[] dims, byte[] data) {
    private static final int TYPE_UBYTE = 0x08;

    /** Reads {@code file} and checks it holds unsigned bytes of the expected rank, trailing dims and no less data. */
    public static IdxFile read(Path file, int expectedRank, int... expectedTrailingDims) {
        byte[] raw = gunzip(file);
        if (raw.length < 4) {
            throw new DataFormatException(file + ": truncated IDX header: expected at least 4 bytes, found " + raw.length);
        }
        int magic = readInt(raw, 0);
        int expectedMagic = (TYPE_UBYTE << 8) | expectedRank;
        if (magic != expectedMagic) {
            throw new DataFormatException(String.format(
                    "%s: bad IDX magic: expected 0x%08X (unsigned bytes, %d dimensions), found 0x%08X",
                    file, expectedMagic, expectedRank, magic));
        }
        int headerBytes = 4 + 4 * expectedRank;
        if (raw.length < headerBytes) {
            throw new DataFormatException(file + ": truncated IDX header: expected " + headerBytes
                    + " bytes, found " + raw.length);
        }
        int[] dims = new int[expectedRank];
        long count = 1;
        for (int i = 0; i < expectedRank; i++) {
            dims[i] = readInt(raw, 4 + 4 * i);
            if (dims[i] <= 0) {
                throw new DataFormatException(file + ": dimension " + i + " is " + dims[i] + ", expected a positive size");
            }
            count *= dims[i];
        }
        checkTrailingDims(file, dims, expectedTrailingDims);
        long actual = raw.length - (long) headerBytes;
        if (actual < count) {
            throw new DataFormatException(file + ": truncated IDX data: dimensions " + Arrays.toString(dims)
                    + " need " + count + " bytes, found " + actual);
        }
        return new IdxFile(dims, Arrays.copyOfRange(raw, headerBytes, headerBytes + (int) count));
    }

    private static void checkTrailingDims(Path file, int[] dims, int[] expected) {
        for (int i = 0; i < expected.length; i++) {
            int axis = dims.length - expected.length + i;
            if (dims[axis] != expected[i]) {
                throw new DataFormatException(file + ": wrong IDX dimensions: expected [N, "
                        + Arrays.toString(expected).replaceAll("[\\[\\]]", "") + "], found " + Arrays.toString(dims));
            }
        }
    }

    private static byte[] gunzip(Path file) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return in.readAllBytes();
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(file + ": not a complete gzip file (" + e.getMessage()
                    + "); reinstall the data set", e);
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
