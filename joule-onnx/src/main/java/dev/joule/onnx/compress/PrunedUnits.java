package dev.joule.onnx.compress;

/**
 * What FFN-channel pruning and head pruning share: which units stay ({@link #highest}), and the bias
 * correction that stands in for fine-tuning ({@link #fold}). A removed input channel {@code c} of a linear
 * layer {@code y = x·W + b} ({@code W [in, out]}, ONNX MatMul layout) still had a mean value over the
 * calibration tokens; its mean contribution {@code mean(x_c)·W[c, :]} moves into the bias, so the layer's
 * output keeps its mean and only the channel's variation is lost. An attention head is dh such channels of
 * the out-projection's input.
 */
final class PrunedUnits {
    private PrunedUnits() {}

    /**
     * {@code bias} plus the mean contribution of every input channel not in {@code kept}.
     *
     * @param w    the weight {@code [in, out]} row-major
     * @param out  outputs per row of {@code w}
     * @param kept the kept input channels (any order)
     * @param mean each input channel's mean over the calibration tokens ({@code in} entries)
     */
    static float[] fold(float[] bias, float[] w, int out, int[] kept, double[] mean) {
        double[] b = new double[out];
        for (int o = 0; o < out; o++) {
            b[o] = bias[o];
        }
        boolean[] keep = new boolean[mean.length];
        for (int c : kept) {
            keep[c] = true;
        }
        for (int c = 0; c < mean.length; c++) {
            for (int o = 0; !keep[c] && o < out; o++) {
                b[o] += mean[c] * w[c * out + o];
            }
        }
        float[] r = new float[out];
        for (int o = 0; o < out; o++) {
            r[o] = (float) b[o];
        }
        return r;
    }

    /** Indices (ascending) of the {@code keep} highest scores; among equal scores the earlier unit stays. */
    static int[] highest(double[] score, int keep) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(score[y], score[x]));
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) {
            kept[i] = order[i];
        }
        java.util.Arrays.sort(kept);
        return kept;
    }
}
