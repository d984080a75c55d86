package dev.joule.compress.distill;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;

/**
 * Hinton's knowledge-distillation loss over rows of logits (a classifier's {@code [B, C]}, or a language
 * model's {@code [B, T, V]} read as {@code [B·T, V]}):
 *
 * <pre>
 *   p_t = softmax(t / T)                  the teacher's softened distribution (a constant)
 *   KL  = 1/N Σ_rows Σ_c p_t · (log p_t − log_softmax(s / T))
 *   L   = α · T² · KL + (1 − α) · CE(s, targets)
 * </pre>
 *
 * The T² keeps the soft term's gradient on the same scale as the hard one's when T changes (its gradient
 * w.r.t. s is {@code (softmax(s/T) − p_t) / T} per row). It is composed from existing autograd ops
 * (logSoftmax, mul, sumAll, scale), each gradient-checked where it is defined, so it needs no backward
 * of its own; {@code Σ p_t log p_t} does not depend on the student and enters as a constant so the value
 * is the true KL (0 when the student matches the teacher).
 */
public final class DistillationLoss {
    private DistillationLoss() {}

    /** {@code teacherLogits} may be null when {@code alpha} is 0 (labels only). */
    public static Var of(Var studentLogits, Tensor teacherLogits, int[] targets, float temperature, float alpha) {
        if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("distillation needs temperature > 0 and alpha in [0, 1], got " + temperature
                    + " and " + alpha);
        }
        Var s = rows(studentLogits);
        if (alpha == 0) {
            return Ops.crossEntropy(s, targets, 0f);
        }
        int n = s.shape()[0];
        int classes = s.shape()[1];
        if (teacherLogits == null || teacherLogits.size() != s.value().size()) {
            throw new IllegalArgumentException("teacher logits " + (teacherLogits == null ? "(none)"
                    : java.util.Arrays.toString(teacherLogits.shape()))
                    + " do not match the student's " + java.util.Arrays.toString(studentLogits.shape())
                    + "; teacher and student must be trained for the same task and classes");
        }
        Var hard = alpha < 1 ? Ops.crossEntropy(s, targets, 0f) : null;
        float[] pt = new float[n * classes];
        double entropyTerm = softTargets(teacherLogits, temperature, n, classes, pt);
        Var logPs = Ops.logSoftmax(Ops.scale(s, 1f / temperature), 1);
        Var cross = Ops.sumAll(Ops.mul(Var.constant(Tensor.of(pt, n, classes)), logPs));
        Var kl = Ops.addScalar(Ops.scale(cross, -1f / n), (float) (entropyTerm / n));
        Var soft = Ops.scale(kl, alpha * temperature * temperature);
        return hard == null ? soft : Ops.add(soft, Ops.scale(hard, 1 - alpha));
    }

    /** Fills {@code pt} with softmax(t / T) per row and returns {@code Σ p_t log p_t} over all rows. */
    static double softTargets(Tensor teacher, float temperature, int n, int classes, float[] pt) {
        float[] t = teacher.data();
        double sum = 0;
        for (int r = 0; r < n; r++) {
            int base = teacher.offset() + r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, t[base + c] / (double) temperature);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(t[base + c] / (double) temperature - max);
            }
            double logZ = Math.log(z) + max;
            for (int c = 0; c < classes; c++) {
                double logP = t[base + c] / (double) temperature - logZ;
                double p = Math.exp(logP);
                pt[r * classes + c] = (float) p;
                sum += p * logP;
            }
        }
        return sum;
    }

    private static Var rows(Var logits) {
        int[] shape = logits.shape();
        return shape.length == 2 ? logits : Ops.reshape(logits, logits.value().size() / shape[shape.length - 1], shape[shape.length - 1]);
    }
}
