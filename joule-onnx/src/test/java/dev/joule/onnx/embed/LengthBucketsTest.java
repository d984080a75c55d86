package dev.joule.onnx.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    private static TokenBatch batch(int... lengths) {
        int len = Arrays.stream(lengths).max().orElse(0);
        long[] ids = new long[lengths.length * len];
        long[] mask = new long[lengths.length * len];
        for (int b = 0; b < lengths.length; b++) {
            for (int p = 0; p < lengths[b]; p++) {
                ids[b * len + p] = 100 * b + p + 1;
                mask[b * len + p] = 1;
            }
        }
        return new TokenBatch(lengths.length, len, ids, mask, new long[ids.length]);
    }

    @Test
    void groupsSimilarLengthsAndCoversEveryRowOnce() {
        int[] lengths = {5, 40, 6, 38, 5, 12};
        List<int[]> groups = LengthBuckets.groups(lengths);
        int[] seen = new int[lengths.length];
        for (int[] g : groups) {
            int max = 0;
            long real = 0;
            for (int r : g) {
                seen[r]++;
                max = Math.max(max, lengths[r]);
                real += lengths[r];
            }
            assertTrue((long) g.length * max <= (1 + LengthBuckets.MAX_PADDING) * real || g.length == 1, Arrays.toString(g));
        }
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, seen);
        assertEquals(3, groups.size(), "{5, 5, 6}, {12}, {38, 40} within 15 % padding: " + groups.size());
    }

    @Test
    void sliceCutsRowsToTheirLongest() {
        TokenBatch t = batch(3, 7, 2);
        int[] lengths = LengthBuckets.lengths(t);
        assertArrayEquals(new int[] {3, 7, 2}, lengths);
        TokenBatch s = LengthBuckets.slice(t, new int[] {2, 0}, lengths);
        assertEquals(2, s.batch());
        assertEquals(3, s.length());
        assertArrayEquals(new long[] {201, 202, 0, 1, 2, 3}, s.ids());
        assertArrayEquals(new long[] {1, 1, 0, 1, 1, 1}, s.mask());
    }

    @Test
    void leftPaddedMasksAreLeftAlone() {
        TokenBatch t = new TokenBatch(2, 3, new long[6], new long[] {0, 1, 1, 1, 1, 1}, new long[6]);
        assertNull(LengthBuckets.lengths(t));
    }
}
