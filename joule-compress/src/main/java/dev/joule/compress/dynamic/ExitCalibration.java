package dev.joule.compress.dynamic;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.models.TransformerClassifier;
import dev.joule.tensor.Tensor;
import java.util.Arrays;

/**
 * Chooses the exit thresholds on a held-out split of the training set (never the test set): one max-softmax
 * threshold shared by all exits, the lowest one such that it and every higher candidate keep the early-exit
 * accuracy within {@code budgetPoints} percentage points of the full model's on that split.
 *
 * <p>Walking down from "never exit" and stopping at the first candidate that breaks the budget, rather
 * than taking the lowest candidate anywhere that meets it, keeps a lucky dip in the accuracy curve at a
 * low threshold from being chosen.
 */
public final class ExitCalibration {
    /** Candidate thresholds tried at most (quantiles of the held-out confidences). */
    private static final int MAX_CANDIDATES = 512;

    private ExitCalibration() {}

    /**
     * What the calibration chose and what it gave on the held-out split.
     *
     * @param exitFractions fraction of held-out inputs leaving after each block (the last entry: the whole network)
     */
    public record Result(float[] thresholds, double budgetPoints, int heldOut, double fullAccuracy,
            double earlyAccuracy, double[] exitFractions) {}

    /** Every exit's confidence and class, and the full model's class, for each held-out input. */
    public record Outputs(float[][] confidence, int[][] prediction, int[] fullPrediction, int[] labels) {
        public int size() {
            return labels.length;
        }

        /** Runs the backbone and every exit head over {@code heldOut} without gradients. */
        public static Outputs collect(EarlyExitModel model, Dataset heldOut, int batchSize) {
            int n = heldOut.size();
            int exits = model.exitCount();
            float[][] conf = new float[exits][n];
            int[][] pred = new int[exits][n];
            int[] full = new int[n];
            int[] labels = new int[n];
            TransformerClassifier backbone = model.backbone();
            model.setTraining(false);
            try (NoGrad g = NoGrad.enter()) {
                for (int from = 0; from < n; from += batchSize) {
                    Batch b = heldOut.range(from, Math.min(n, from + batchSize));
                    System.arraycopy(b.targets(), 0, labels, from, b.size());
                    Var h = backbone.embed(Var.constant(b.inputs()));
                    for (int i = 0; i < exits; i++) {
                        h = backbone.block(i, h);
                        score(model.exit(i).forward(h).value(), from, conf[i], pred[i]);
                    }
                    h = backbone.block(exits, h);
                    score(backbone.head(h).value(), from, new float[n], full);
                }
            }
            return new Outputs(conf, pred, full, labels);
        }

        private static void score(Tensor logits, int from, float[] conf, int[] pred) {
            int classes = logits.cols();
            float[] d = logits.data();
            for (int r = 0; r < logits.rows(); r++) {
                int base = logits.offset() + r * classes;
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (d[base + c] > d[base + best]) {
                        best = c;
                    }
                }
                pred[from + r] = best;
                conf[from + r] = EarlyExitModel.maxProbability(d, base, classes);
            }
        }

        public double fullAccuracy() {
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += fullPrediction[i] == labels[i] ? 1 : 0;
            }
            return (double) correct / labels.length;
        }

        /** Accuracy with one shared threshold, and how many inputs leave at each depth (into {@code leftAtDepth}). */
        public double accuracyAt(float threshold, long[] leftAtDepth) {
            int exits = confidence.length;
            int correct = 0;
            Arrays.fill(leftAtDepth, 0);
            for (int n = 0; n < labels.length; n++) {
                int depth = exits;
                for (int e = 0; e < exits; e++) {
                    if (confidence[e][n] >= threshold) {
                        depth = e;
                        break;
                    }
                }
                int p = depth == exits ? fullPrediction[n] : prediction[depth][n];
                correct += p == labels[n] ? 1 : 0;
                leftAtDepth[depth]++;
            }
            return (double) correct / labels.length;
        }
    }

    /** The lowest shared threshold within {@code budgetPoints} of the full accuracy (see the class comment). */
    public static Result calibrate(Outputs outputs, double budgetPoints) {
        if (!(budgetPoints >= 0) || outputs.size() == 0) {
            throw new EarlyExitException("calibration needs a budget >= 0 points and a non-empty held-out split, got "
                    + budgetPoints + " points and " + outputs.size() + " inputs");
        }
        int exits = outputs.confidence().length;
        double full = outputs.fullAccuracy();
        double floor = full - budgetPoints / 100.0;
        long[] counts = new long[exits + 1];
        float chosen = EarlyExitModel.NEVER;
        double chosenAccuracy = full;
        long[] chosenCounts = new long[exits + 1];
        chosenCounts[exits] = outputs.size();
        for (float t : candidates(outputs.confidence())) {
            double acc = outputs.accuracyAt(t, counts);
            if (acc < floor - 1e-12) {
                break;
            }
            chosen = t;
            chosenAccuracy = acc;
            System.arraycopy(counts, 0, chosenCounts, 0, counts.length);
        }
        float[] thresholds = new float[exits];
        Arrays.fill(thresholds, chosen);
        double[] fractions = new double[exits + 1];
        for (int i = 0; i <= exits; i++) {
            fractions[i] = (double) chosenCounts[i] / outputs.size();
        }
        return new Result(thresholds, budgetPoints, outputs.size(), full, chosenAccuracy, fractions);
    }

    /** One shared threshold and what it gives on the held-out split. */
    public record SweepPoint(float threshold, double accuracy, double[] exitFractions) {}

    /**
     * The accuracy-versus-depth curve on the held-out split: for every candidate threshold (highest first),
     * the accuracy and the fraction of inputs leaving at each depth. Multiply the fractions by
     * {@link EarlyExitModel#macsAtDepth} for the MACs side of the curve.
     */
    public static java.util.List<SweepPoint> sweep(Outputs outputs) {
        int exits = outputs.confidence().length;
        long[] counts = new long[exits + 1];
        java.util.List<SweepPoint> points = new java.util.ArrayList<>();
        for (float t : candidates(outputs.confidence())) {
            double acc = outputs.accuracyAt(t, counts);
            double[] fractions = new double[exits + 1];
            for (int i = 0; i <= exits; i++) {
                fractions[i] = (double) counts[i] / outputs.size();
            }
            points.add(new SweepPoint(t, acc, fractions));
        }
        return points;
    }

    /** Distinct quantiles of all exits' confidences, highest first. */
    static float[] candidates(float[][] confidence) {
        int total = 0;
        for (float[] c : confidence) {
            total += c.length;
        }
        float[] all = new float[total];
        int k = 0;
        for (float[] c : confidence) {
            System.arraycopy(c, 0, all, k, c.length);
            k += c.length;
        }
        Arrays.sort(all);
        int count = Math.min(MAX_CANDIDATES, total);
        float[] out = new float[count];
        int distinct = 0;
        for (int q = 0; q < count; q++) {
            // From the top: the q-th of `count` evenly spaced ranks, so the dense cluster near 1 is sampled finely.
            float v = all[total - 1 - (int) ((long) q * (total - 1) / Math.max(1, count - 1))];
            if (distinct == 0 || v < out[distinct - 1]) {
                out[distinct++] = v;
            }
        }
        return Arrays.copyOf(out, distinct);
    }
}
