package dev.joule.compress.dynamic;

import dev.joule.data.Dataset;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.models.TransformerClassifier;
import dev.joule.nn.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Early exit for the transformer classifier, end to end:
 *
 * <pre>{@code
 * EarlyExitModel ee = EarlyExit.build(model, fashionMnist.train(), EarlyExit.Options.defaults());
 * EarlyExitReport r = EarlyExit.measure(ee, fashionMnist.test(), null, 2);
 * EarlyExitStore.save(checkpointDir, ee);
 * }</pre>
 *
 * {@link #build} trains one exit head per block but the last on the frozen backbone, using the training set
 * minus its last {@code heldOut} examples, and calibrates the thresholds on those held-out examples (the
 * test set is never looked at); {@link #measure} runs both variants over the test set in one energy run.
 */
public final class EarlyExit {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyExit.class);
    private static final int WARMUP_INPUTS = 2000;

    private EarlyExit() {}

    /**
     * @param steps        AdamW steps for the exit heads
     * @param batch        training batch size
     * @param learningRate peak learning rate (warm-up + cosine)
     * @param heldOut      training examples (the last ones) kept out of head training to calibrate on
     * @param budgetPoints accuracy the exits may lose on the held-out split, in percentage points
     * @param evalBatch    batch size for calibration and measurement
     */
    public record Options(int steps, int batch, float learningRate, int heldOut, double budgetPoints, int evalBatch, long seed) {
        public static Options defaults() {
            return new Options(300, 128, 2e-3f, 5000, 0.5, 500, 1);
        }

        public Options withSteps(int n) {
            return new Options(n, batch, learningRate, heldOut, budgetPoints, evalBatch, seed);
        }

        public Options withHeldOut(int n) {
            return new Options(steps, batch, learningRate, n, budgetPoints, evalBatch, seed);
        }

        public Options withBudgetPoints(double points) {
            return new Options(steps, batch, learningRate, heldOut, points, evalBatch, seed);
        }
    }

    /** Trains exit heads on the frozen {@code model} and calibrates their thresholds (see the class comment). */
    public static EarlyExitModel build(Model model, Dataset train, Options o) {
        if (!(model instanceof TransformerClassifier backbone)) {
            throw new EarlyExitException("early exit supports the fashion-mnist transformer classifier (model 'transformer'),"
                    + " got " + model.getClass().getSimpleName() + "; use a transformer checkpoint");
        }
        if (o.heldOut() <= 0 || o.heldOut() >= train.size()) {
            throw new EarlyExitException("the held-out split must be between 1 and " + (train.size() - 1)
                    + " of the " + train.size() + " training examples, got " + o.heldOut());
        }
        int cut = train.size() - o.heldOut();
        EarlyExitModel ee = new EarlyExitModel(backbone);
        ExitTraining.train(ee, new DatasetSplit(train, 0, cut), o.steps(), o.batch(), o.learningRate(), o.seed());
        ExitCalibration.Outputs outputs = ExitCalibration.Outputs.collect(ee, new DatasetSplit(train, cut, train.size()), o.evalBatch());
        ExitCalibration.Result c = ExitCalibration.calibrate(outputs, o.budgetPoints());
        ee.applyCalibration(c);
        LOG.info("early exit calibrated on {} held-out training images: threshold {}, held-out accuracy {} -> {}",
                c.heldOut(), c.thresholds()[0], c.fullAccuracy(), c.earlyAccuracy());
        return ee;
    }

    /**
     * Runs the full backbone and the early-exit model over {@code test}, alternating, {@code passes} times each,
     * each pass in its own window of {@code run} (a run of its own when null), after a short JIT warm-up.
     */
    public static EarlyExitReport measure(EarlyExitModel model, Dataset test, EnergyRun run, int passes, int batch) {
        if (passes <= 0) {
            throw new EarlyExitException("measurement needs at least one pass, got " + passes);
        }
        if (run == null) {
            try (EnergyRun own = EnergyTracker.start("early-exit")) {
                return measure(model, test, own, passes, batch);
            }
        }
        model.setTraining(false);
        Model full = model.backbone();
        Dataset warm = new DatasetSplit(test, 0, Math.min(WARMUP_INPUTS, test.size()));
        VariantWindows.pass(full, warm, batch);
        VariantWindows.pass(model, warm, batch);
        VariantWindows f = new VariantWindows("full");
        VariantWindows e = new VariantWindows("early-exit");
        model.resetCounts();
        for (int p = 0; p < passes; p++) {
            f.add(run, full, test, batch, p);
            e.add(run, model, test, batch, p);
        }
        long[] left = model.leftAtDepth();
        double[] fractions = new double[left.length];
        long n = 0;
        for (long c : left) {
            n += c;
        }
        for (int i = 0; i < left.length; i++) {
            fractions[i] = (double) left[i] / n;
        }
        MeasuredVariant fullSide = f.result(model.backbone().macsPerInference());
        MeasuredVariant earlySide = e.result(model.effectiveMacsPerInference());
        return new EarlyExitReport(fullSide, earlySide, model.thresholds(), fractions, model.calibration());
    }
}
