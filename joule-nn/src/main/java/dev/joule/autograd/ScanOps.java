package dev.joule.autograd;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * The differentiable linear recurrence {@code h_t = a_t ⊙ h_{t−1} + b_t} over the time axis of {@code [B, T, D]}.
 *
 * <p>Backward needs no graph through the scan: with {@code g_t = ∂ℓ/∂h_t}, the adjoint is the reverse
 * recurrence {@code δ_t = g_t + a_{t+1} ⊙ δ_{t+1}}; then {@code ∂ℓ/∂b_t = δ_t}, {@code ∂ℓ/∂a_t = δ_t ⊙ h_{t−1}}
 * and {@code ∂ℓ/∂h0 = a_0 ⊙ δ_0}. Both directions run on {@link ScanKernel}.
 */
final class ScanOps {
    private ScanOps() {}

    static Var linearScan(Var a, Var b, Var h0) {
        int[] s = b.shape();
        if (s.length != 3 || !Arrays.equals(a.shape(), s)) {
            throw new ShapeException("linearScan: a and b must both be [B, T, D], got a " + OpSupport.str(a.shape())
                    + " and b " + OpSupport.str(s));
        }
        int batch = s[0];
        int time = s[1];
        int width = s[2];
        if (h0 != null && (h0.shape().length != 2 || h0.shape()[0] != batch || h0.shape()[1] != width)) {
            throw new ShapeException("linearScan: h0 must be [B, D] = [" + batch + ", " + width + "], got "
                    + OpSupport.str(h0.shape()));
        }
        float[] av = dense(a.value());
        float[] bv = dense(b.value());
        float[] hv = h0 == null ? null : dense(h0.value());
        float[] out = new float[bv.length];
        ScanKernel.scan(av, bv, hv, out, batch, time, width, false);
        Var[] parents = OpSupport.present(a, b, h0);
        return Var.op(Tensor.of(out, s), g -> {
            float[] delta = new float[out.length];
            ScanKernel.scan(av, dense(g), null, delta, batch, time, width, true);
            if (OpSupport.wants(b)) {
                OpSupport.addInto(b, delta, 0);
            }
            if (OpSupport.wants(a)) {
                addCoefficientGrad(a, delta, out, hv, batch, time, width);
            }
            if (OpSupport.wants(h0)) {
                addInitialGrad(h0, delta, av, batch, time, width);
            }
        }, parents);
    }

    /** {@code ∂ℓ/∂a_t = δ_t ⊙ h_{t−1}}, with {@code h_{−1} = h0} (or 0). */
    private static void addCoefficientGrad(Var a, float[] delta, float[] h, float[] h0, int batch, int time,
            int width) {
        Tensor ga = a.gradBuffer();
        float[] d = ga.data();
        int off = ga.offset();
        for (int r = 0; r < batch; r++) {
            int row = r * time * width;
            if (h0 != null) {
                for (int j = 0; j < width; j++) {
                    d[off + row + j] += delta[row + j] * h0[r * width + j];
                }
            }
            for (int i = row + width, end = row + time * width; i < end; i++) {
                d[off + i] += delta[i] * h[i - width];
            }
        }
    }

    private static void addInitialGrad(Var h0, float[] delta, float[] a, int batch, int time, int width) {
        Tensor gh = h0.gradBuffer();
        float[] d = gh.data();
        int off = gh.offset();
        for (int r = 0; r < batch; r++) {
            int row = r * time * width;
            for (int j = 0; j < width; j++) {
                d[off + r * width + j] += a[row + j] * delta[row + j];
            }
        }
    }

    /** The values as an offset-0 array of exactly their size (views are copied). */
    static float[] dense(Tensor t) {
        if (t.offset() == 0 && t.data().length == t.size()) {
            return t.data();
        }
        return t.toArray();
    }
}
