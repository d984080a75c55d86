package dev.joule.onnx.compress;

/**
 * First and second moments of every head's context over calibration tokens, from attention outputs
 * laid out {@code [.., T, H, dh]}: per head the sum of {@code c} and of {@code c·cᵀ} ({@code dh × dh}).
 * The variance of a head's contribution {@code c·Wo_h} is then {@code Σ_ij G_ij·Cov_ij} with the
 * Gram matrix {@code G = Wo_h·Wo_hᵀ}, without multiplying every token by {@code Wo_h}.
 */
final class HeadMoments {
    private final int heads;
    private final int headDim;
    private final double[][] sum;
    private final double[][] outer;
    private long tokens;

    HeadMoments(int heads, int headDim) {
        this.heads = heads;
        this.headDim = headDim;
        this.sum = new double[heads][headDim];
        this.outer = new double[heads][headDim * headDim];
    }

    /** Adds every token of one attention output (its length a multiple of H·dh). */
    void add(float[] context) {
        int width = heads * headDim;
        if (context.length % width != 0) {
            throw new IllegalArgumentException("attention output of " + context.length + " values is not a whole number of tokens of "
                    + heads + " heads × " + headDim);
        }
        for (int t = 0; t < context.length / width; t++) {
            for (int h = 0; h < heads; h++) {
                int base = t * width + h * headDim;
                double[] s = sum[h];
                double[] o = outer[h];
                for (int i = 0; i < headDim; i++) {
                    double ci = context[base + i];
                    s[i] += ci;
                    for (int j = 0; j < headDim; j++) {
                        o[i * headDim + j] += ci * context[base + j];
                    }
                }
            }
            tokens++;
        }
    }

    /** The heads' statistics against {@code wo} ([H·dh, d] row-major, the out-projection weight). */
    HeadPruning.HeadStats stats(float[] wo, int d) {
        double[] activity = new double[heads];
        double[][] mean = new double[heads][headDim];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim; i++) {
                mean[h][i] = sum[h][i] / tokens;
            }
            double variance = 0;
            for (int i = 0; i < headDim; i++) {
                for (int j = 0; j < headDim; j++) {
                    double cov = outer[h][i * headDim + j] / tokens - mean[h][i] * mean[h][j];
                    variance += cov * gram(wo, d, h * headDim + i, h * headDim + j);
                }
            }
            activity[h] = Math.sqrt(Math.max(0, variance));
        }
        return new HeadPruning.HeadStats(activity, mean);
    }

    private static double gram(float[] wo, int d, int row1, int row2) {
        double g = 0;
        for (int o = 0; o < d; o++) {
            g += (double) wo[row1 * d + o] * wo[row2 * d + o];
        }
        return g;
    }
}
