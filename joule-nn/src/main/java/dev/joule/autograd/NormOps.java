package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.wants;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/**
 * Layer norm and RMS norm over the last axis, each one node with a hand-written backward. Per row
 * they save only the statistic(s) (mean and 1/σ, or 1/rms); the normalised row is recomputed.
 * <pre>
 *   layerNorm: x̂ = (x − μ)·r,  r = 1/√(σ² + ε),  y = γ⊙x̂ + β
 *              dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ⊙x̂)),  ĝ = g⊙γ
 *   rmsNorm:   x̂ = x·r,  r = 1/√(mean(x²) + ε),  y = γ⊙x̂
 *              dx = r · (ĝ − x̂ · mean(ĝ⊙x̂))
 * </pre>
 */
final class NormOps {
    private NormOps() {}

    /** Layer norm over the last axis; gamma and beta ([d]) may be null (no affine part). */
    static Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        return norm(x, gamma, beta, eps, true);
    }

    /** RMS norm over the last axis; gamma ([d]) may be null. */
    static Var rmsNorm(Var x, Var gamma, float eps) {
        return norm(x, gamma, null, eps, false);
    }

    private static void checkParam(String op, Var p, int d, int[] xs) {
        if (p != null && (p.shape().length != 1 || p.shape()[0] != d)) {
            throw new ShapeException(op + ": parameter must have shape [" + d + "] for input "
                    + OpSupport.str(xs) + ", got " + OpSupport.str(p.shape()));
        }
    }

    private static Var norm(Var x, Var gamma, Var beta, float eps, boolean center) {
        String op = center ? "layerNorm" : "rmsNorm";
        Tensor xv = x.value();
        int d = xv.cols();
        int rows = xv.rows();
        checkParam(op, gamma, d, x.shape());
        checkParam(op, beta, d, x.shape());
        float[] xd = xv.data();
        int xo = xv.offset();
        float[] gm = gamma == null ? null : gamma.value().data();
        int gmo = gamma == null ? 0 : gamma.value().offset();
        float[] bt = beta == null ? null : beta.value().data();
        int bto = beta == null ? 0 : beta.value().offset();
        float[] y = new float[xv.size()];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            float mu = 0f;
            if (center) {
                for (int j = 0; j < d; j++) {
                    mu += xd[xo + base + j];
                }
                mu /= d;
            }
            float var = 0f;
            for (int j = 0; j < d; j++) {
                float c = xd[xo + base + j] - mu;
                var += c * c;
            }
            float rs = (float) (1.0 / Math.sqrt(var / d + eps));
            mean[r] = mu;
            rstd[r] = rs;
            for (int j = 0; j < d; j++) {
                float h = (xd[xo + base + j] - mu) * rs;
                if (gm != null) {
                    h *= gm[gmo + j];
                }
                if (bt != null) {
                    h += bt[bto + j];
                }
                y[base + j] = h;
            }
        }
        Var.Backward back = g -> {
            float[] gd = g.data();
            int go = g.offset();
            Tensor gx = wants(x) ? x.gradBuffer() : null;
            Tensor gg = wants(gamma) ? gamma.gradBuffer() : null;
            Tensor gb = wants(beta) ? beta.gradBuffer() : null;
            float[] ghat = new float[d];
            for (int r = 0; r < rows; r++) {
                int base = r * d;
                float mu = mean[r];
                float rs = rstd[r];
                float sumG = 0f;
                float sumGX = 0f;
                for (int j = 0; j < d; j++) {
                    float gj = gd[go + base + j];
                    float xh = (xd[xo + base + j] - mu) * rs;
                    if (gg != null) {
                        gg.data()[gg.offset() + j] += gj * xh;
                    }
                    if (gb != null) {
                        gb.data()[gb.offset() + j] += gj;
                    }
                    float gh = gm == null ? gj : gj * gm[gmo + j];
                    ghat[j] = gh;
                    sumG += gh;
                    sumGX += gh * xh;
                }
                if (gx == null) {
                    continue;
                }
                float meanG = center ? sumG / d : 0f;
                float meanGX = sumGX / d;
                float[] dx = gx.data();
                int dxo = gx.offset() + base;
                for (int j = 0; j < d; j++) {
                    float xh = (xd[xo + base + j] - mu) * rs;
                    dx[dxo + j] += rs * (ghat[j] - meanG - xh * meanGX);
                }
            }
        };
        return Var.op(Tensor.of(y, x.shape()), back, OpSupport.present(x, gamma, beta));
    }
}
