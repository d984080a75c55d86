package dev.joule.bench.snn;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.kernel.Parallel;
import dev.joule.snn.SpikeKernels;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-driven against dense inference for the spiking layers of {@code snn} and {@code csnn}, at given firing
 * rates (those a trained model shows: {@code SpikingModel.lastStats()}), median wall time of several repeats after
 * warm-up. Under a minute. Run:
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp joule-bench/target/benchmarks.jar dev.joule.bench.snn.SpikeKernelBench \
 *        [snnHiddenRate csnnLif1Rate csnnLif2Rate [threads]]
 * </pre>
 *
 * Each case prints dense ms, event ms, the ratio dense/event (above 1: event-driven is faster) and the accumulates.
 */
public final class SpikeKernelBench {
    private static final Logger LOG = LoggerFactory.getLogger(SpikeKernelBench.class);
    private static final int REPEATS = 7;
    private static final int BATCH = 256;

    private SpikeKernelBench() {}

    public static void main(String[] args) {
        double snnRate = args.length > 0 ? Double.parseDouble(args[0]) : 0.15;
        double lif1Rate = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
        double lif2Rate = args.length > 2 ? Double.parseDouble(args[2]) : 0.3;
        Parallel.setThreads(args.length > 3 ? Integer.parseInt(args[3]) : 2);
        try (NoGrad g = NoGrad.enter()) {
            linearCase("snn readout 256→10, T=8", spikes(1, snnRate, 8 * BATCH, 256), normal(2, 10, 256));
            linearCase("rate-coded fc1 784→256, T=8, p=0.29 (mean pixel)", spikes(3, 0.29, 8 * BATCH, 784),
                    normal(4, 256, 784));
            convCase("csnn conv2 8→16 3×3 on 14×14, T=4", spikes(5, lif1Rate, 4 * BATCH, 8, 14, 14),
                    normal(6, 16, 8, 3, 3));
            linearCase("csnn readout 784→10, T=4", spikes(7, lif2Rate, 4 * BATCH, 784), normal(8, 10, 784));
        }
    }

    private static void linearCase(String name, Tensor s, Tensor w) {
        Var sv = Var.constant(s);
        Var wv = Var.constant(w);
        double dense = medianMillis(() -> Ops.linear(sv, wv, null).value());
        double event = medianMillis(() -> SpikeKernels.linear(s, w, null).output());
        report(name, s, dense, event, SpikeKernels.linearAccumulates(s, w.dim(0)));
    }

    private static void convCase(String name, Tensor s, Tensor w) {
        Var sv = Var.constant(s);
        Var wv = Var.constant(w);
        double dense = medianMillis(() -> Ops.conv2d(sv, wv, null, 1, 1).value());
        double event = medianMillis(() -> SpikeKernels.conv2d(s, w, null, 1).output());
        report(name, s, dense, event, SpikeKernels.conv2dAccumulates(s, w.dim(0), w.dim(2), 1));
    }

    private static void report(String name, Tensor s, double dense, double event, long acs) {
        double rate = (double) SpikeKernels.countNonZero(s) / s.size();
        LOG.info(String.format(Locale.ROOT, "%-52s rate %.3f  dense %8.2f ms  event %8.2f ms  dense/event %.2f  ACs %d",
                name, rate, dense, event, dense / event, acs));
    }

    private static double medianMillis(Supplier<Tensor> run) {
        for (int i = 0; i < 3; i++) {
            run.get();
        }
        double[] t = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            run.get();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[REPEATS / 2];
    }

    private static Tensor spikes(long seed, double rate, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() < rate ? 1f : 0f;
        }
        return t;
    }

    private static Tensor normal(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (r.nextDouble() * 0.2 - 0.1);
        }
        return t;
    }
}
