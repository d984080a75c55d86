package dev.joule.compress.prune;

import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.data.ShuffledBatches;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.train.Metrics;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingListener;
import dev.joule.train.TrainingPlan;
import dev.joule.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fine-tunes a (pruned) model with {@link Trainer} and AdamW for a number of steps and/or seconds, keeping
 * pruning masks applied after every optimizer step:
 *
 * <pre>
 *   FineTune.Result r = FineTune.of(model, train).steps(300).learningRate(3e-4f).masks(masks)
 *           .eval(EvalSets.inOrder(test, 256)).run();
 * </pre>
 *
 * Training changes the f32 values, so inference forms attached to the model's weights would go stale: they are
 * removed before training; attach them again afterwards. Defaults: batch 64, seed 1, constant learning rate
 * 1e-4, AdamW weight decay 0.01, no gradient clipping.
 */
public final class FineTune {
    /** Steps used when only a time limit is given: the time limit ends the run. */
    private static final long UNBOUNDED_STEPS = Long.MAX_VALUE / 4;

    private final Model model;
    private final Dataset train;
    private long steps;
    private double maxSeconds;
    private float learningRate = 1e-4f;
    private LearningRateSchedule schedule;
    private int batchSize = 64;
    private long seed = 1;
    private float weightDecay = AdamW.DEFAULT_WEIGHT_DECAY;
    private float gradClip;
    private Iterable<Batch> eval;
    private PruningMasks masks = PruningMasks.empty();
    private final List<TrainingListener> listeners = new ArrayList<>();

    private FineTune(Model model, Dataset train) {
        this.model = Objects.requireNonNull(model, "model");
        this.train = Objects.requireNonNull(train, "train");
    }

    public static FineTune of(Model model, Dataset train) {
        return new FineTune(model, train);
    }

    /** Stop after {@code n} optimizer steps. */
    public FineTune steps(long n) {
        this.steps = n;
        return this;
    }

    /** Stop once training time (evaluation excluded) reaches {@code s} seconds. */
    public FineTune seconds(double s) {
        this.maxSeconds = s;
        return this;
    }

    public FineTune learningRate(float lr) {
        this.learningRate = lr;
        return this;
    }

    /** A learning-rate schedule instead of the constant rate. */
    public FineTune schedule(LearningRateSchedule s) {
        this.schedule = s;
        return this;
    }

    public FineTune batchSize(int b) {
        this.batchSize = b;
        return this;
    }

    public FineTune seed(long s) {
        this.seed = s;
        return this;
    }

    public FineTune weightDecay(float wd) {
        this.weightDecay = wd;
        return this;
    }

    public FineTune gradClip(float norm) {
        this.gradClip = norm;
        return this;
    }

    /** The set evaluated at the end (null: no evaluation, {@link Result#metrics()} is null). */
    public FineTune eval(Iterable<Batch> batches) {
        this.eval = batches;
        return this;
    }

    /** Masks applied before the first step and after every optimizer step. */
    public FineTune masks(PruningMasks m) {
        this.masks = Objects.requireNonNull(m, "masks");
        return this;
    }

    /** Another listener (e.g. {@link GradualPruning}), called after the masks are applied. */
    public FineTune listener(TrainingListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
        return this;
    }

    /**
     * The outcome of a fine-tuning run.
     *
     * @param steps        optimizer steps done
     * @param trainSeconds training time, evaluation excluded
     * @param lastLoss     training loss of the last step
     * @param metrics      the final evaluation, or null without an evaluation set
     * @param training     the trainer's result
     */
    public record Result(long steps, double trainSeconds, float lastLoss, Metrics metrics, TrainingResult training) {}

    /** Trains, then evaluates (also when the time limit ended the run). */
    public Result run() {
        if (steps <= 0 && maxSeconds <= 0) {
            throw new IllegalArgumentException("fine-tuning needs a number of steps or seconds, got neither; call steps(n) or seconds(s)");
        }
        for (Var p : model.namedParameters().values()) {
            p.setInferenceWeights(null);
        }
        AdamW optimizer = new AdamW(model.namedParameters(), learningRate, AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2,
                AdamW.DEFAULT_EPS, weightDecay);
        TrainingPlan plan = TrainingPlan.steps(steps > 0 ? steps : UNBOUNDED_STEPS).withGradClip(gradClip);
        LearningRateSchedule lr = schedule != null ? schedule : new LearningRateSchedule.Constant(learningRate);
        Trainer trainer = new Trainer(model, optimizer, lr, new ShuffledBatches(train, batchSize, seed), eval, plan, seed);
        List<TrainingListener> all = new ArrayList<>();
        all.add(masks.asListener(model.namedParameters()));
        all.addAll(listeners);
        if (maxSeconds > 0) {
            all.add(timeLimit(trainer, maxSeconds));
        }
        trainer.listener(chain(all));
        TrainingResult result = trainer.run();
        Metrics metrics = result.finalMetrics();
        if (result.stoppedEarly() && eval != null) {
            metrics = trainer.evaluate();
        }
        float[] losses = result.state().losses();
        float last = losses.length == 0 ? Float.NaN : losses[losses.length - 1];
        return new Result(result.state().step(), result.trainSeconds(), last, metrics, result);
    }

    private static TrainingListener timeLimit(Trainer trainer, double seconds) {
        return new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.elapsedNanos() / 1e9 >= seconds) {
                    trainer.requestStop();
                }
            }
        };
    }

    /** One listener calling each of {@code list} in order. */
    static TrainingListener chain(List<TrainingListener> list) {
        List<TrainingListener> copy = List.copyOf(list);
        return new TrainingListener() {
            @Override
            public void onStart(long startStep, long totalSteps) {
                copy.forEach(l -> l.onStart(startStep, totalSteps));
            }

            @Override
            public void onStep(StepEvent event) {
                copy.forEach(l -> l.onStep(event));
            }

            @Override
            public void onEvaluation(long step, Metrics metrics) {
                copy.forEach(l -> l.onEvaluation(step, metrics));
            }

            @Override
            public void onCheckpoint(long step, Path dir) {
                copy.forEach(l -> l.onCheckpoint(step, dir));
            }
        };
    }
}
