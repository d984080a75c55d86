package dev.joule.compress.dynamic;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.data.ShuffledBatches;
import dev.joule.models.TransformerClassifier;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the exit heads of an {@link EarlyExitModel} on a frozen backbone: the block outputs are computed
 * without gradients (so the backbone neither changes nor pays for a backward pass), then each head's
 * cross-entropy on its block's states is averaged and only the heads' parameters take an AdamW step.
 */
public final class ExitTraining {
    private static final Logger LOG = LoggerFactory.getLogger(ExitTraining.class);

    /**
     * @param firstLoss mean loss over the first tenth of the steps
     * @param lastLoss  mean loss over the last tenth
     */
    public record Result(long steps, double firstLoss, double lastLoss, long durationNanos) {}

    private ExitTraining() {}

    /** {@code steps} AdamW steps (warm-up + cosine from {@code peakLr}) on shuffled batches of {@code train}. */
    public static Result train(EarlyExitModel model, Dataset train, int steps, int batchSize, float peakLr, long seed) {
        if (steps <= 0 || batchSize <= 0) {
            throw new EarlyExitException("exit training needs steps > 0 and batch > 0, got " + steps + " and " + batchSize);
        }
        long start = System.nanoTime();
        TransformerClassifier backbone = model.backbone();
        backbone.setTraining(false);
        AdamW opt = new AdamW(model.exitParameters(), peakLr, AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2,
                AdamW.DEFAULT_EPS, 0f);
        LearningRateSchedule lr = new LearningRateSchedule.WarmupCosine(Math.min(20, steps), steps, peakLr, peakLr / 10);
        ShuffledBatches batches = new ShuffledBatches(train, batchSize, seed);
        int window = Math.max(1, steps / 10);
        double first = 0;
        double lastSum = 0;
        for (int step = 0; step < steps; step++) {
            Batch b = batches.batch(step / batches.batchesPerEpoch(), step % batches.batchesPerEpoch());
            List<Var> states = blockStates(model, b);
            opt.setLearningRate(lr.at(step));
            opt.zeroGrad();
            Var loss = null;
            for (int i = 0; i < states.size(); i++) {
                Var ce = Ops.crossEntropy(model.exit(i).forward(states.get(i)), b.targets(), 0f);
                loss = loss == null ? ce : Ops.add(loss, ce);
            }
            loss = Ops.scale(loss, 1f / states.size());
            loss.backward();
            opt.step();
            double value = loss.value().item();
            if (!Double.isFinite(value)) {
                throw new EarlyExitException("exit-head training loss became " + value + " at step " + step
                        + " (learning rate " + lr.at(step) + "); use a lower learning rate");
            }
            if (step < window) {
                first += value / window;
            }
            if (step >= steps - window) {
                lastSum += value / window;
            }
        }
        Result r = new Result(steps, first, lastSum, System.nanoTime() - start);
        LOG.info("exit heads trained: {} steps, loss {} -> {}", steps, String.format("%.4f", first), String.format("%.4f", lastSum));
        return r;
    }

    /** The states after each block that has an exit, computed without gradients (constants for the heads). */
    private static List<Var> blockStates(EarlyExitModel model, Batch b) {
        TransformerClassifier backbone = model.backbone();
        List<Var> states = new ArrayList<>();
        try (NoGrad g = NoGrad.enter()) {
            Var h = backbone.embed(Var.constant(b.inputs()));
            for (int i = 0; i < model.exitCount(); i++) {
                h = backbone.block(i, h);
                states.add(Var.constant(h.value()));
            }
        }
        return states;
    }
}
