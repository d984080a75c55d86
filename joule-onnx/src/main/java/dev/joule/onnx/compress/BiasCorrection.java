package dev.joule.onnx.compress;

/**
 * Bias correction for structured pruning without fine-tuning: a removed input channel {@code c} of a linear
 * layer {@code y = x·W + b} ({@code W [in, out]}, ONNX MatMul layout) still had a mean value over the
 * calibration tokens, and its mean contribution {@code mean(x_c)·W[c, :]} moves into the bias, so the layer's
 * output keeps its mean and only the channel's variation is lost. Feed-forward channels and attention heads
 * (dh channels each) are removed this way.
 */
final class BiasCorrection {
    private BiasCorrection() {}

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
}
