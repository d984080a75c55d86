package dev.joule.kernel.forms;

/** Index lists of the rows and columns a {@link ShrunkWeights} keeps: checks, complements and runs. */
final class KeptIndices {
    private KeptIndices() {}

    /** Refuses an index list that is not strictly increasing within {@code [0, bound)}. */
    static void check(String what, int[] kept, int bound) {
        for (int k = 0; k < kept.length; k++) {
            int v = kept[k];
            if (v < 0 || v >= bound || (k > 0 && v <= kept[k - 1])) {
                throw new IllegalArgumentException("ShrunkWeights: " + what + "[" + k + "] = " + v + " must be in [0, "
                        + bound + ") and greater than the previous index; pass the kept indices sorted, without repeats");
            }
        }
    }

    /** The indices in {@code [0, bound)} that {@code kept} (strictly increasing) leaves out, ascending. */
    static int[] complement(int[] kept, int bound) {
        int[] dropped = new int[bound - kept.length];
        for (int i = 0, k = 0, d = 0; i < bound; i++) {
            if (k < kept.length && kept[k] == i) {
                k++;
            } else {
                dropped[d++] = i;
            }
        }
        return dropped;
    }

    /** {@code {starts, lengths}} of the runs of consecutive values in a strictly increasing index list. */
    static int[][] runs(int[] kept) {
        int count = 0;
        for (int i = 0; i < kept.length; i++) {
            if (i == 0 || kept[i] != kept[i - 1] + 1) {
                count++;
            }
        }
        int[] starts = new int[count];
        int[] lengths = new int[count];
        for (int i = 0, r = -1; i < kept.length; i++) {
            if (i == 0 || kept[i] != kept[i - 1] + 1) {
                starts[++r] = kept[i];
            }
            lengths[r]++;
        }
        return new int[][] {starts, lengths};
    }
}
