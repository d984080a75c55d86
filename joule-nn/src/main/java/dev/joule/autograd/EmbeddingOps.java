package dev.joule.autograd;

import dev.joule.tensor.Tensor;
import java.util.Arrays;

/** Row gather from an embedding table; the backward scatter-adds rows back (repeated ids accumulate). */
final class EmbeddingOps {
    private EmbeddingOps() {}

    /** table [V, d], ids of any shape holding integers as floats, gives [...ids.shape, d]. */
    static Var embedding(Var table, Tensor ids) {
        int[] ts = table.shape();
        OpSupport.requireRank("embedding", "table", ts, 2);
        int vocab = ts[0];
        int d = ts[1];
        int n = ids.size();
        int[] rows = new int[n];
        float[] idData = ids.data();
        for (int i = 0; i < n; i++) {
            float f = idData[ids.offset() + i];
            int id = (int) f;
            if (id != f || id < 0 || id >= vocab) {
                throw new IllegalArgumentException("embedding: id " + f + " at position " + i
                        + " is not an integer in [0, " + vocab + "); the table has vocabulary size " + vocab);
            }
            rows[i] = id;
        }
        int[] idShape = ids.shape();
        int[] outShape = Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = d;
        Tensor tv = table.value();
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tv.data(), tv.offset() + rows[i] * d, out, i * d, d);
        }
        return Var.op(Tensor.of(out, outShape), g -> {
            Tensor gt = table.gradBuffer();
            float[] dst = gt.data();
            float[] gd = g.data();
            for (int i = 0; i < n; i++) {
                int to = gt.offset() + rows[i] * d;
                int from = g.offset() + i * d;
                for (int j = 0; j < d; j++) {
                    dst[to + j] += gd[from + j];
                }
            }
        }, table);
    }
}
