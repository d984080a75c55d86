package dev.joule.cli;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.energy.Component;
import dev.joule.energy.meter.analytic.AnalyticMeter;
import dev.joule.energy.meter.analytic.OpCounts;
import dev.joule.energy.meter.analytic.OpEnergyTable;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.energy.track.InferenceEnergy;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.Optimizer;
import dev.joule.optim.TimeBudgetSchedule;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import dev.joule.train.Metrics;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingListener;
import dev.joule.train.TrainingPlan;
import dev.joule.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model's turn in {@code joule compare}: train for the budget under the time-budget schedule, evaluate
 * on the full held-out split, then measure inference energy, analytic energy and latency.
 */
final class ModelComparison {
    /** Far more steps than any budget allows: the run ends when its time is up. */
    private static final long UNBOUNDED_STEPS = 1_000_000_000L;
    private static final int IMAGE_LATENCY_SAMPLES = 200;
    private static final int WINDOW_LATENCY_SAMPLES = 50;
    private static final int LATENCY_WARMUP = 10;
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

    CompareRow run(String name, float peakLr, EnergyRun run) {
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
        Inference inf = measureInference(name, run, net);
        double latency = p50LatencyMillis(net);
        ModelFacts facts = ModelFacts.of(name, cfg, net);
        return new CompareRow(name, net.parameterCount(), metrics.accuracy(), task.charLm() ? metrics.bitsPerTarget() : Double.NaN,
                peakLr, result.state().step(), result.trainSeconds(), trainEnergy.totalJoules(), trainEnergy.totalSources(),
                trainEnergy.anyEstimate(), inf.energy().joulesPerInference(), inf.report().totalSources(), inf.report().anyEstimate(),
                inf.report().belowResolution(), inf.energy().inferences(), task.perInference(net.macsPerInference()),
                task.perInference(net.acsPerInference()), inf.ops().macs() / inf.energy().inferences(),
                inf.analyticJoules() / inf.energy().inferences(), latency, facts.stateFloats(), facts.stateKind(),
                (System.nanoTime() - wallStart) / 1e9);
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

    private record Inference(InferenceEnergy energy, EnergyReport report, OpCounter.Totals ops, double analyticJoules) {}

    /**
     * Forward passes over the evaluation batches under no-grad, inside their own energy window and op-count
     * region, cycling until the window lasts --min-infer-seconds (a short window is below the meter's resolution).
     */
    private Inference measureInference(String name, EnergyRun run, Model net) {
        long n = 0;
        EnergyReport report;
        OpCounter.Totals ops;
        long minNanos = (long) (minInferSeconds * 1e9);
        try (NoGrad g = NoGrad.enter(); EnergyWindow w = run.window("infer-" + name); OpCounter.Region r = OpCounter.open()) {
            long start = System.nanoTime();
            Iterator<Batch> it = task.data().eval().iterator();
            do {
                if (!it.hasNext()) {
                    it = task.data().eval().iterator();
                }
                Batch b = it.next();
                net.forward(b.inputs());
                n += task.inferences(b);
            } while (System.nanoTime() - start < minNanos);
            ops = r.work();
            report = w.end();
        }
        // The event-driven spike kernels record their accumulates among the counted flops, which the table
        // charges as adds: 0.9 pJ, the same as E_AC. Adding the model's AC figure on top would count them twice.
        OpCounts counts = new OpCounts(ops.macs(), 0, ops.flops(), ops.bytes(), 0, OpCounts.Precision.FP32);
        double analytic = new AnalyticMeter(OpEnergyTable.snn45nm(), Component.CPU).joules(counts);
        return new Inference(InferenceEnergy.of(report, n), report, ops, analytic);
    }

    /** Median wall time of one sample at batch 1, after a short warm-up so the JIT has compiled the path. */
    private double p50LatencyMillis(Model net) {
        List<Tensor> samples = new ArrayList<>();
        int wanted = LATENCY_WARMUP + (task.images() ? IMAGE_LATENCY_SAMPLES : WINDOW_LATENCY_SAMPLES);
        for (Iterator<Batch> it = task.data().eval().iterator(); it.hasNext() && samples.size() < wanted; ) {
            Batch b = it.next();
            for (int i = 0; i < b.size() && samples.size() < wanted; i++) {
                samples.add(CompareTask.one(b, i));
            }
        }
        long[] nanos = new long[samples.size() - Math.min(LATENCY_WARMUP, samples.size() - 1)];
        int skip = samples.size() - nanos.length;
        try (NoGrad g = NoGrad.enter()) {
            for (int i = 0; i < samples.size(); i++) {
                long start = System.nanoTime();
                net.forward(samples.get(i));
                if (i >= skip) {
                    nanos[i - skip] = System.nanoTime() - start;
                }
            }
        }
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1e6;
    }

}
