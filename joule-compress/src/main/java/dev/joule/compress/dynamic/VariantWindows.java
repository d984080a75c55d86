package dev.joule.compress.dynamic;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.data.Batch;
import dev.joule.data.Dataset;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyWindow;
import dev.joule.nn.Model;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import java.util.TreeSet;

/**
 * One variant's measured passes over a test set, each in its own energy window and op-count region,
 * summed: callers alternate the variants pass by pass so a change in machine load falls on both.
 */
final class VariantWindows {
    private final String name;
    private long inferences;
    private long correct;
    private long firstPassInferences;
    private long macs;
    private long wallNanos;
    private double joules;
    private double cpuSeconds;
    private final TreeSet<String> sources = new TreeSet<>();
    private boolean estimate;

    VariantWindows(String name) {
        this.name = name;
    }

    /** One pass of {@code net} over {@code data} in order, in a window of {@code run}; accuracy is taken from the first. */
    void add(EnergyRun run, Model net, Dataset data, int batch, int passIndex) {
        EnergyReport r;
        long c;
        try (EnergyWindow w = run.window(name + "-" + (passIndex + 1)); OpCounter.Region ops = OpCounter.open()) {
            c = pass(net, data, batch);
            macs += ops.macs();
            r = w.end();
        }
        if (passIndex == 0) {
            correct = c;
            firstPassInferences = data.size();
        }
        inferences += data.size();
        wallNanos += r.durationNanos();
        joules += r.totalJoules();
        cpuSeconds += r.cpuSeconds();
        sources.add(r.totalSources());
        estimate |= r.anyEstimate();
    }

    MeasuredVariant result(double analyticMacsPerInput) {
        return new MeasuredVariant(name, (double) correct / firstPassInferences, analyticMacsPerInput,
                (double) macs / inferences, wallNanos / 1e3 / inferences, cpuSeconds * 1e6 / inferences,
                joules / inferences, String.join("+", sources), estimate, inferences);
    }

    /** One pass over {@code data} in order without gradients; returns the number of correct predictions. */
    static long pass(Model net, Dataset data, int batch) {
        long correct = 0;
        try (NoGrad g = NoGrad.enter()) {
            for (int from = 0; from < data.size(); from += batch) {
                Batch b = data.range(from, Math.min(data.size(), from + batch));
                Tensor pred = Ops.argmax(net.forward(b.inputs()).value(), 1);
                for (int r = 0; r < b.size(); r++) {
                    correct += (int) pred.data()[pred.offset() + r] == b.targets()[r] ? 1 : 0;
                }
            }
        }
        return correct;
    }
}
