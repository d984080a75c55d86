package dev.joule.onnx.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits a padded batch into sub-batches of similar length, so an encoder does not run its layers on
 * padding: a batch of 32 short fortunes is padded to its longest sentence, often twice the average,
 * and every linear layer pays for the padded rows. Rows are sorted by length and grouped greedily
 * while the group's padded size stays within {@link #MAX_PADDING} of its real tokens. Masked
 * attention makes each sentence's result independent of its batch-mates, so the embeddings are the
 * same up to float rounding.
 */
final class LengthBuckets {
    /** A group may hold up to this share more positions than real tokens. */
    static final double MAX_PADDING = 0.15;

    private LengthBuckets() {}

    /** Real tokens per row, or null when a mask row is not ones followed by zeros (left padding, gaps). */
    static int[] lengths(TokenBatch t) {
        int[] len = new int[t.batch()];
        for (int b = 0; b < t.batch(); b++) {
            int n = 0;
            while (n < t.length() && t.mask()[b * t.length() + n] == 1) {
                n++;
            }
            for (int p = n; p < t.length(); p++) {
                if (t.mask()[b * t.length() + p] != 0) {
                    return null;
                }
            }
            len[b] = n;
        }
        return len;
    }

    /** Row groups (indices into the batch), each sorted by length, together covering every row once. */
    static List<int[]> groups(int[] lengths) {
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<int[]> groups = new ArrayList<>();
        int start = 0;
        long real = 0;
        for (int i = 0; i < order.length; i++) {
            long withNext = real + lengths[order[i]];
            long padded = (long) (i - start + 1) * lengths[order[i]];
            if (i > start && padded > (1 + MAX_PADDING) * withNext) {
                groups.add(indices(order, start, i));
                start = i;
                withNext = lengths[order[i]];
            }
            real = withNext;
        }
        groups.add(indices(order, start, order.length));
        return groups;
    }

    /** The rows {@code rows} of {@code t}, cut to the longest of them. */
    static TokenBatch slice(TokenBatch t, int[] rows, int[] lengths) {
        int len = 0;
        for (int r : rows) {
            len = Math.max(len, lengths[r]);
        }
        long[] ids = new long[rows.length * len];
        long[] mask = new long[rows.length * len];
        long[] types = new long[rows.length * len];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(t.ids(), rows[i] * t.length(), ids, i * len, len);
            System.arraycopy(t.mask(), rows[i] * t.length(), mask, i * len, len);
            System.arraycopy(t.typeIds(), rows[i] * t.length(), types, i * len, len);
        }
        return new TokenBatch(rows.length, len, ids, mask, types);
    }

    private static int[] indices(Integer[] order, int from, int to) {
        int[] r = new int[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = order[i];
        }
        return r;
    }
}
