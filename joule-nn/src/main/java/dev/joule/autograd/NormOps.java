package dev.joule.autograd;

import static dev.joule.autograd.OpSupport.wants;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
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
        Rows r = new Rows(xv.data(), xv.offset(), rows, d, eps, center,
                gamma == null ? null : gamma.value(), beta == null ? null : beta.value());
        float[] y = new float[xv.size()];
        Parallel.parallelFor(rows, grain(d), (from, to) -> r.forward(from, to, y));
        Var.Backward back = g -> {
            Tensor gx = wants(x) ? x.gradBuffer() : null;
            boolean params = wants(gamma) || wants(beta);
            // Rows run in a fixed number of chunks, each with its own parameter-gradient partials that
            // are then added in chunk order, so results depend only on the thread count.
            int chunks = Parallel.chunkCount(rows, grain(d));
            float[][] partials = new float[chunks][];
            Parallel.parallelFor(chunks, 1, (cf, ct) -> {
                for (int c = cf; c < ct; c++) {
                    float[] part = params ? new float[2 * d] : null;
                    r.backward((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks),
                            g.data(), g.offset(), gx, part);
                    partials[c] = part;
                }
            });
            if (params) {
                for (float[] part : partials) {
                    addRange(wants(gamma) ? gamma.gradBuffer() : null, part, 0, d);
                    addRange(wants(beta) ? beta.gradBuffer() : null, part, d, d);
                }
            }
        };
        return Var.op(Tensor.of(y, x.shape()), back, OpSupport.present(x, gamma, beta));
    }

    /** Rows per parallel chunk: at least ~16k elements, so small inputs stay on the caller. */
    private static int grain(int d) {
        return Math.max(1, (1 << 14) / Math.max(d, 1));
    }

    private static void addRange(Tensor target, float[] src, int srcOff, int n) {
        if (target == null) {
            return;
        }
        float[] t = target.data();
        int to = target.offset();
        for (int j = 0; j < n; j++) {
            t[to + j] += src[srcOff + j];
        }
    }

    /** The per-row work of one norm call; the statistics (μ, 1/σ per row) are filled by {@link #forward}. */
    private static final class Rows {
        final float[] x;
        final int xo;
        final int d;
        final float eps;
        final boolean center;
        final float[] gm;
        final int gmo;
        final float[] bt;
        final int bto;
        final float[] mean;
        final float[] rstd;

        Rows(float[] x, int xo, int rows, int d, float eps, boolean center, Tensor gamma, Tensor beta) {
            this.x = x;
            this.xo = xo;
            this.d = d;
            this.eps = eps;
            this.center = center;
            this.gm = gamma == null ? null : gamma.data();
            this.gmo = gamma == null ? 0 : gamma.offset();
            this.bt = beta == null ? null : beta.data();
            this.bto = beta == null ? 0 : beta.offset();
            this.mean = new float[rows];
            this.rstd = new float[rows];
        }

        // Rows are short (d = 64..512): C2's auto-vectorised loops unroll past such trip counts and
        // leave the work to their scalar post-loop, so every row pass is a vector kernel call. Each
        // element sees the same operations in the same order as the plain loops.
        void forward(int from, int to, float[] y) {
            Kernels kern = Kernels.get();
            float[] centred = new float[d];
            for (int r = from; r < to; r++) {
                int base = xo + r * d;
                float mu = center ? kern.sum(x, base, d) / d : 0f;
                kern.addScalar(-mu, x, base, centred, 0, d);
                float rs = (float) (1.0 / Math.sqrt(kern.dot(centred, 0, centred, 0, d) / d + eps));
                mean[r] = mu;
                rstd[r] = rs;
                int out = r * d;
                if (gm == null) {
                    kern.scale(rs, centred, 0, y, out, d);
                } else {
                    kern.scale(rs, centred, 0, centred, 0, d);
                    kern.mul(centred, 0, gm, gmo, y, out, d);
                }
                if (bt != null) {
                    kern.add(y, out, bt, bto, y, out, d);
                }
            }
        }

        /** Rows [from, to): dx into gx (if non-null); dγ into part[0, d) and dβ into part[d, 2d) (if non-null). */
        void backward(int from, int to, float[] g, int go, Tensor gx, float[] part) {
            Kernels kern = Kernels.get();
            float[] xh = new float[d];
            float[] gh = new float[d];
            float[] tmp = new float[d];
            for (int r = from; r < to; r++) {
                int base = xo + r * d;
                int gBase = go + r * d;
                float rs = rstd[r];
                kern.addScalar(-mean[r], x, base, xh, 0, d);
                kern.scale(rs, xh, 0, xh, 0, d);
                if (gm == null) {
                    System.arraycopy(g, gBase, gh, 0, d);
                } else {
                    kern.mul(g, gBase, gm, gmo, gh, 0, d);
                }
                if (part != null) {
                    kern.mul(g, gBase, xh, 0, tmp, 0, d);
                    kern.add(part, 0, tmp, 0, part, 0, d);
                    kern.add(part, d, g, gBase, part, d, d);
                }
                if (gx == null) {
                    continue;
                }
                float meanG = center ? kern.sum(gh, 0, d) / d : 0f;
                float meanGX = kern.dot(gh, 0, xh, 0, d) / d;
                // dx += rs · ((gh − meanG) − xh · meanGX)
                kern.scale(meanGX, xh, 0, tmp, 0, d);
                kern.addScalar(-meanG, gh, 0, gh, 0, d);
                kern.sub(gh, 0, tmp, 0, gh, 0, d);
                kern.scale(rs, gh, 0, gh, 0, d);
                float[] dx = gx.data();
                int dxo = gx.offset() + r * d;
                kern.add(dx, dxo, gh, 0, dx, dxo, d);
            }
        }
    }
}
