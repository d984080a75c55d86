package dev.joule.optim;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Collection;

/** Gradient clipping, as PyTorch's {@code clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when the global L2 norm over all of them
     * exceeds {@code maxNorm}. Parameters without a gradient are skipped.
     *
     * @return the global norm before clipping (for logging: a spike means a bad batch or too high an lr)
     */
    public static float clipByGlobalNorm(Collection<Var> params, float maxNorm) {
        double sumSquares = 0;
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            float[] d = g.data();
            for (int i = g.offset(), end = g.offset() + g.size(); i < end; i++) {
                sumSquares += (double) d[i] * d[i];
            }
        }
        float norm = (float) Math.sqrt(sumSquares);
        float scale = (float) (maxNorm / (norm + 1e-6));
        if (scale < 1f) {
            for (Var p : params) {
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                float[] d = g.data();
                for (int i = g.offset(), end = g.offset() + g.size(); i < end; i++) {
                    d[i] *= scale;
                }
            }
        }
        return norm;
    }
}
