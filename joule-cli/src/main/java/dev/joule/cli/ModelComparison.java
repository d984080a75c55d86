package dev.joule.cli;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.Optimizer;
import dev.joule.optim.TimeBudgetSchedule;
import dev.joule.train.Metrics;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingListener;
import dev.joule.train.TrainingPlan;
import dev.joule.train.TrainingResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model's turn in {@code joule compare}: train for the budget under the time-budget schedule, evaluate
 * on the full held-out split, then measure inference energy, analytic energy and latency.
 */
final class ModelComparison {
    /** Far more steps than any budget allows: the run ends when its time is up. */
    private static final long UNBOUNDED_STEPS = 1_000_000_000L;
    private static final int JIT_WARMUP_PASSES = 2;

    private final CompareTask task;
    private final Duration budget;
    private final double minInferSeconds;
    private final long seed;

    ModelComparison(CompareTask task, Duration budget, double minInferSeconds, long seed) {
        this.task = task;
        this.budget = budget;
        this.minInferSeconds = minInferSeconds;
        this.seed = seed;
    }

    /** A trained model's row, with the model itself (left in evaluation mode) for compressed variants. */
    record Trained(CompareRow row, Model net) {}

    Trained run(String name, float peakLr, EnergyRun run) {
        long wallStart = System.nanoTime();
        ModelConfig cfg = task.config(name);
        Model net = ModelRegistry.create(cfg, seed);
        Trainer trainer = trainer(name, net, peakLr);
        warmUp(net);
        TrainingResult result;
        EnergyReport trainEnergy;
        try (EnergyWindow w = run.window("train-" + name)) {
            result = trainer.run();
            trainEnergy = w.end();
        }
        Metrics metrics = result.finalMetrics() != null ? result.finalMetrics() : trainer.evaluate();
        net.setTraining(false);
        InferenceMeasure measure = new InferenceMeasure(task, minInferSeconds);
        InferenceMeasure.Result inf = measure.measure(run, "infer-" + name, net);
        double latency = measure.p50LatencyMillis(net);
        ModelFacts facts = ModelFacts.of(name, cfg, net);
        return new Trained(new CompareRow(name, net.parameterCount(), metrics.accuracy(), task.charLm() ? metrics.bitsPerTarget() : Double.NaN,
                peakLr, result.state().step(), result.trainSeconds(), trainEnergy.totalJoules(), trainEnergy.totalSources(),
                trainEnergy.anyEstimate(), inf.energy().joulesPerInference(), inf.report().totalSources(), inf.report().anyEstimate(),
                inf.report().belowResolution(), inf.energy().inferences(), task.perInference(net.macsPerInference()),
                task.perInference(net.acsPerInference()), inf.ops().macs() / inf.energy().inferences(),
                inf.analyticJoules() / inf.energy().inferences(), latency, facts.stateFloats(), facts.stateKind(),
                (System.nanoTime() - wallStart) / 1e9), net);
    }

    /**
     * Adam (fashion-mnist) or AdamW (token tasks) under a warm-up + cosine schedule over the training-time
     * budget; a listener feeds the trainer's step time to the schedule and stops the run when it is spent.
     */
    private Trainer trainer(String name, Model net, float peakLr) {
        Map<String, Var> params = net.namedParameters();
        Optimizer opt = task.images() ? AdamW.adam(params, peakLr)
                : new AdamW(params, peakLr, AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2, AdamW.DEFAULT_EPS, AdamW.DEFAULT_WEIGHT_DECAY);
        long budgetNanos = budget.toNanos();
        AtomicLong elapsed = new AtomicLong();
        TimeBudgetSchedule schedule = new TimeBudgetSchedule(budgetNanos, CompareDefaults.WARMUP_FRACTION,
                CompareDefaults.MIN_WARMUP_STEPS, peakLr, peakLr * CompareDefaults.FINAL_LR_FRACTION, elapsed::get);
        TrainingPlan plan = new TrainingPlan(UNBOUNDED_STEPS, 0, 0, CompareDefaults.gradClip(name), 0f);
        Trainer trainer = new Trainer(net, opt, schedule, task.data().train(), task.data().eval(), plan, seed);
        trainer.listener(new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                elapsed.set(e.elapsedNanos());
                if (e.elapsedNanos() >= budgetNanos) {
                    trainer.requestStop();
                }
            }
        });
        return trainer;
    }

    /**
     * Forward and backward passes on the first training batch, before the budget's clock starts, so that JIT
     * compilation of the model's kernels is not charged to its training time (nor eats its learning-rate warm-up).
     * No optimizer step: the weights do not change, and the trainer zeroes the gradients before its first step.
     */
    private void warmUp(Model net) {
        Batch b = task.data().train().batch(0, 0);
        net.setTraining(true);
        for (int i = 0; i < JIT_WARMUP_PASSES; i++) {
            Var out = net.forward(b.inputs());
            int[] shape = out.shape();
            Var logits = shape.length == 2 ? out : Ops.reshape(out, b.targets().length, shape[shape.length - 1]);
            Ops.crossEntropy(logits, b.targets(), 0f).backward();
        }
        for (Var p : net.namedParameters().values()) {
            p.zeroGrad();
        }
    }
}
