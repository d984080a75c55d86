package dev.joule.train;

import dev.joule.autograd.NoGrad;
import dev.joule.data.Batch;
import dev.joule.nn.Model;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;

/**
 * Loss and accuracy of a model over an evaluation set, in inference mode (no graph, dropout off).
 * The loss is computed here from the logits in double precision, so it does not depend on how the
 * training loss op averages.
 */
public final class Evaluator {
    private Evaluator() {}

    public static Metrics evaluate(Model model, Iterable<Batch> batches) {
        long start = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        long scored = 0;
        boolean wasTraining = !(model instanceof Module m) || m.isTraining();
        model.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            for (Batch b : batches) {
                Tensor logits = model.forward(b.inputs()).value();
                int classes = logits.cols();
                int[] targets = b.targets();
                if (logits.rows() != targets.length) {
                    throw new IllegalStateException("model output " + java.util.Arrays.toString(logits.shape())
                            + " has " + logits.rows() + " rows of logits for " + targets.length + " targets");
                }
                float[] d = logits.data();
                for (int r = 0; r < targets.length; r++) {
                    int t = targets[r];
                    if (t == Batch.IGNORE) {
                        continue;
                    }
                    int base = logits.offset() + r * classes;
                    int best = 0;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        if (d[base + c] > max) {
                            max = d[base + c];
                            best = c;
                        }
                    }
                    double sumExp = 0;
                    for (int c = 0; c < classes; c++) {
                        sumExp += Math.exp(d[base + c] - max);
                    }
                    lossSum += max + Math.log(sumExp) - d[base + t];
                    correct += best == t ? 1 : 0;
                    scored++;
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        if (scored == 0) {
            throw new IllegalArgumentException("the evaluation set has no scored targets");
        }
        return new Metrics(lossSum / scored, (double) correct / scored, scored, System.nanoTime() - start);
    }
}
