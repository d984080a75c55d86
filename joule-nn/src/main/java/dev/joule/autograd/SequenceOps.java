package dev.joule.autograd;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** Small ops the recurrent models need: minGRU's positive activation and stacking per-step states in time. */
final class SequenceOps {
    private SequenceOps() {}

    /**
     * {@code g(x) = x + ½} for {@code x ≥ 0}, {@code σ(x)} below: continuous, positive and monotone, so a
     * minGRU/minLSTM state built from it stays positive (Feng et al. 2024).
     */
    static Var positiveG(Var a) {
        float[] x = ScanOps.dense(a.value());
        float[] y = new float[x.length];
        ExpMath.sigmoid(x, 0, y, x.length);
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] >= 0 ? x[i] + 0.5f : y[i];
        }
        return Var.op(Tensor.of(y, a.shape()), g -> {
            float[] gv = ScanOps.dense(g);
            float[] dx = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                dx[i] = x[i] >= 0 ? gv[i] : gv[i] * y[i] * (1 - y[i]);
            }
            OpSupport.addInto(a, dx, 0);
        }, a);
    }

    /** T tensors {@code [B, D]} (step t at position t) to one {@code [B, T, D]}. */
    static Var stackTime(List<Var> steps) {
        if (steps.isEmpty()) {
            throw new ShapeException("stackTime: needs at least one step, got none");
        }
        int[] s = steps.get(0).shape();
        if (s.length != 2) {
            throw new ShapeException("stackTime: steps must be [B, D], got " + OpSupport.str(s));
        }
        int batch = s[0];
        int width = s[1];
        int time = steps.size();
        float[] out = new float[batch * time * width];
        for (int t = 0; t < time; t++) {
            Var v = steps.get(t);
            if (!Arrays.equals(v.shape(), s)) {
                throw new ShapeException("stackTime: step " + t + " has shape " + OpSupport.str(v.shape())
                        + ", step 0 has " + OpSupport.str(s));
            }
            float[] x = ScanOps.dense(v.value());
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, b * width, out, (b * time + t) * width, width);
            }
        }
        Var[] parents = steps.toArray(new Var[0]);
        return Var.op(Tensor.of(out, batch, time, width), g -> {
            float[] gv = ScanOps.dense(g);
            for (int t = 0; t < time; t++) {
                Var v = parents[t];
                if (!v.requiresGrad()) {
                    continue;
                }
                Tensor gb = v.gradBuffer();
                float[] d = gb.data();
                int off = gb.offset();
                for (int b = 0; b < batch; b++) {
                    int src = (b * time + t) * width;
                    for (int j = 0; j < width; j++) {
                        d[off + b * width + j] += gv[src + j];
                    }
                }
            }
        }, parents);
    }
}
