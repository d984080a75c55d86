package dev.joule.cli;

import dev.joule.autograd.NoGrad;
import dev.joule.data.Batch;
import dev.joule.energy.Component;
import dev.joule.energy.meter.analytic.AnalyticMeter;
import dev.joule.energy.meter.analytic.OpCounts;
import dev.joule.energy.meter.analytic.OpEnergyTable;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.energy.track.InferenceEnergy;
import dev.joule.nn.Model;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * How Joule measures a trained model's inference: forward passes over the task's evaluation batches under
 * no-grad, inside their own energy window and op-count region, cycling until the window lasts long enough
 * for the meter; then the median batch-1 latency. {@code joule compare}, {@code joule compress} and
 * {@code joule gate} all measure through here, so their J/inference figures mean the same thing.
 */
final class InferenceMeasure {
    private static final int IMAGE_LATENCY_SAMPLES = 200;
    private static final int WINDOW_LATENCY_SAMPLES = 50;
    private static final int LATENCY_WARMUP = 10;

    private final CompareTask task;
    private final double minSeconds;

    InferenceMeasure(CompareTask task, double minSeconds) {
        this.task = task;
        this.minSeconds = minSeconds;
    }

    /**
     * One measured window.
     *
     * @param energy energy per inference (total, active and idle shares)
     * @param report the window's energy report: its sources say whether the figure is a measurement or an estimate
     * @param ops the work the kernels counted in the window
     * @param analyticJoules the 45 nm op-energy figure of that work (whole window)
     */
    record Result(InferenceEnergy energy, EnergyReport report, OpCounter.Totals ops, double analyticJoules) {
        long inferences() {
            return energy.inferences();
        }

        double joulesPerInference() {
            return energy.joulesPerInference();
        }

        double macsPerInference() {
            return (double) ops.macs() / energy.inferences();
        }

        double analyticJoulesPerInference() {
            return analyticJoules / energy.inferences();
        }
    }

    /** Runs the evaluation batches through {@code net} in a window labelled {@code label} of {@code run}. */
    Result measure(EnergyRun run, String label, Model net) {
        long n = 0;
        EnergyReport report;
        OpCounter.Totals ops;
        long minNanos = (long) (minSeconds * 1e9);
        try (NoGrad g = NoGrad.enter(); EnergyWindow w = run.window(label); OpCounter.Region r = OpCounter.open()) {
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
        return new Result(InferenceEnergy.of(report, n), report, ops, analytic);
    }

    /** Median wall time of one sample at batch 1, after a short warm-up so the JIT has compiled the path. */
    double p50LatencyMillis(Model net) {
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
