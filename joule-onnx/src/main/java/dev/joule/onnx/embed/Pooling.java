package dev.joule.onnx.embed;

/**
 * Sentence-transformers' pooling for all-MiniLM-L6-v2: the mean of the token vectors under the
 * attention mask, then L2 normalisation, so the dot product of two embeddings is their cosine.
 */
public final class Pooling {
    private Pooling() {}

    /** hidden is row-major [batch, length, dim]; returns [batch][dim] unit vectors. */
    public static float[][] meanNormalised(float[] hidden, int hiddenOffset, TokenBatch tokens, int dim) {
        int length = tokens.length();
        float[][] out = new float[tokens.batch()][dim];
        for (int b = 0; b < tokens.batch(); b++) {
            double[] acc = new double[dim];
            long count = 0;
            for (int t = 0; t < length; t++) {
                if (tokens.mask()[b * length + t] == 0) {
                    continue;
                }
                count++;
                int base = hiddenOffset + (b * length + t) * dim;
                for (int j = 0; j < dim; j++) {
                    acc[j] += hidden[base + j];
                }
            }
            // sentence-transformers clamps the token count at 1e-9 so an all-padding row gives zeros, not NaN.
            double inv = 1.0 / Math.max(count, 1e-9);
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                acc[j] *= inv;
                norm += acc[j] * acc[j];
            }
            // torch.nn.functional.normalize divides by max(‖v‖, 1e-12).
            double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
            for (int j = 0; j < dim; j++) {
                out[b][j] = (float) (acc[j] * scale);
            }
        }
        return out;
    }

    /** The cosine of two vectors (their dot product when both are unit length). */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(Math.max(na * nb, 1e-300));
    }
}
