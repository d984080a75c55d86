package dev.joule.onnx.compress;

import dev.joule.onnx.embed.Pooling;

/**
 * How faithful a compressed encoder's embeddings are to the reference's, on the same sentences:
 * cosine per sentence (mean and minimum) and top-k retrieval agreement. For retrieval every
 * sentence is a query against all the others; agreement is the mean fraction of the reference's k
 * nearest neighbours that the compressed embeddings also rank in their k nearest.
 */
public record EmbeddingFidelity(int sentences, double meanCosine, double minCosine, int topK, double topKAgreement) {

    /** Compares {@code got} with {@code reference} (same order, unit or not: cosines are normalised). */
    public static EmbeddingFidelity compare(float[][] reference, float[][] got, int topK) {
        if (reference.length != got.length || reference.length < 2) {
            throw new IllegalArgumentException("need the same number (>= 2) of embeddings, got " + reference.length
                    + " reference and " + got.length + " compared");
        }
        int n = reference.length;
        double sum = 0;
        double min = 1;
        for (int i = 0; i < n; i++) {
            double c = Pooling.cosine(reference[i], got[i]);
            sum += c;
            min = Math.min(min, c);
        }
        int k = Math.min(topK, n - 1);
        double agree = 0;
        for (int q = 0; q < n; q++) {
            int[] a = nearest(reference, q, k);
            int[] b = nearest(got, q, k);
            int common = 0;
            for (int x : a) {
                for (int y : b) {
                    common += x == y ? 1 : 0;
                }
            }
            agree += (double) common / k;
        }
        return new EmbeddingFidelity(n, sum / n, min, k, agree / n);
    }

    /** The k sentences most similar to {@code q} (itself excluded), by cosine. */
    private static int[] nearest(float[][] e, int q, int k) {
        int[] best = new int[k];
        double[] bestScore = new double[k];
        java.util.Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < e.length; j++) {
            if (j == q) {
                continue;
            }
            double s = Pooling.cosine(e[q], e[j]);
            if (s > bestScore[k - 1]) {
                int p = k - 1;
                while (p > 0 && bestScore[p - 1] < s) {
                    bestScore[p] = bestScore[p - 1];
                    best[p] = best[p - 1];
                    p--;
                }
                bestScore[p] = s;
                best[p] = j;
            }
        }
        return best;
    }
}
