package dev.joule.autograd;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;

/** Losses, fused into single nodes with closed-form gradients. */
final class LossOps {
    private LossOps() {}

    /** The target that marks a row to ignore (PyTorch's {@code ignore_index}, fixed here to -1). */
    static final int IGNORE = -1;

    /**
     * Mean cross-entropy of logits [N, C] against class indices, with PyTorch's label smoothing: the
     * target distribution is {@code (1 − ε)·onehot + ε/C}, so each row's loss is
     * {@code (1 − ε)·(−log p_t) + ε·mean_c(−log p_c)}. Rows with target -1 are ignored and the mean is
     * over the others; if every row is ignored the loss is 0 with zero gradient (PyTorch gives NaN).
     * The gradient is {@code (softmax − q) / N_kept}.
     */
    static Var crossEntropy(Var logits, int[] targets, float labelSmoothing) {
        int[] s = logits.shape();
        if (s.length != 2 || s[0] != targets.length) {
            throw new ShapeException("crossEntropy: logits must be [N, C] with N = " + targets.length
                    + " targets, got " + OpSupport.str(s));
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        int rows = s[0];
        int c = s[1];
        Tensor lv = logits.value();
        float[] x = lv.data();
        int xo = lv.offset();
        int kept = 0;
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t != IGNORE && (t < 0 || t >= c)) {
                throw new IllegalArgumentException("crossEntropy: target " + t + " at row " + r
                        + " is outside [0, " + c + ") (use -1 to ignore a row)");
            }
            kept += t == IGNORE ? 0 : 1;
        }
        // probs holds softmax(x) per kept row: the backward is (probs − q) / N_kept, with no exp.
        float[] probs = new float[rows * c];
        double[] rowLoss = new double[rows];
        int grain = Math.max(1, (1 << 14) / Math.max(c, 1));
        Parallel.parallelFor(rows, grain, (from, to) -> {
            Kernels kern = Kernels.get();
            for (int r = from; r < to; r++) {
                int t = targets[r];
                if (t == IGNORE) {
                    continue;
                }
                int base = r * c;
                float max = kern.max(x, xo + base, c);
                System.arraycopy(x, xo + base, probs, base, c);
                float sum = kern.expShiftInPlace(probs, base, c, max);
                kern.scale(1f / sum, probs, base, probs, base, c);
                // log p_j = x_j − max − log Σ, so Σ_j log p_j = Σ_j x_j − C·(max + log Σ).
                double logZ = max + Math.log(sum);
                double logpTarget = x[xo + base + t] - logZ;
                double sumLogp = kern.sum(x, xo + base, c) - c * logZ;
                rowLoss[r] = -(1.0 - labelSmoothing) * logpTarget - labelSmoothing * sumLogp / c;
            }
        });
        double total = 0;
        for (double l : rowLoss) {
            total += l;
        }
        int keptRows = kept;
        float loss = keptRows == 0 ? 0f : (float) (total / keptRows);
        return Var.op(Tensor.scalar(loss), g -> {
            if (keptRows == 0) {
                return;
            }
            float scale = g.item() / keptRows;
            float offTarget = labelSmoothing / c;
            Tensor gl = logits.gradBuffer();
            float[] d = gl.data();
            Parallel.parallelFor(rows, grain, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int t = targets[r];
                    if (t == IGNORE) {
                        continue;
                    }
                    int base = r * c;
                    int dOff = gl.offset() + base;
                    for (int j = 0; j < c; j++) {
                        d[dOff + j] += scale * (probs[base + j] - offTarget);
                    }
                    d[dOff + t] -= scale * (1f - labelSmoothing);
                }
            });
        }, logits);
    }

    /** Mean squared error; pred and target must have the same number of elements. */
    static Var mse(Var pred, Var target) {
        Tensor p = pred.value();
        Tensor t = target.value();
        if (p.size() != t.size()) {
            throw new ShapeException("mse: target of shape " + OpSupport.str(t.shape())
                    + " must match the prediction's shape " + OpSupport.str(p.shape()));
        }
        int n = p.size();
        float[] diff = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float dlt = p.data()[p.offset() + i] - t.data()[t.offset() + i];
            diff[i] = dlt;
            sum += (double) dlt * dlt;
        }
        return Var.op(Tensor.scalar((float) (sum / n)), g -> {
            float k = 2f * g.item() / n;
            if (pred.requiresGrad()) {
                Tensor gp = pred.gradBuffer();
                for (int i = 0; i < n; i++) {
                    gp.data()[gp.offset() + i] += k * diff[i];
                }
            }
            if (target.requiresGrad()) {
                Tensor gt = target.gradBuffer();
                for (int i = 0; i < n; i++) {
                    gt.data()[gt.offset() + i] -= k * diff[i];
                }
            }
        }, pred, target);
    }
}
