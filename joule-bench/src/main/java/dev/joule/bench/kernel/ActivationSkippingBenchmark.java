package dev.joule.bench.kernel;

import dev.joule.kernel.Parallel;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.kernel.forms.LinearWeights;
import dev.joule.kernel.forms.SkippingWeights;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dynamic activation sparsity: a linear layer {@code y = x · Wᵀ}, {@code W [size × size]}, on inputs
 * of which a share {@code zeros} is exactly zero (ReLU outputs, spikes), run as the dense f32 form
 * ({@code dense}) and as {@link SkippingWeights} with threshold 0 ({@code skipping}), which adds one
 * row of {@code Wᵀ} per nonzero input. Average time per call in µs; the break-even input sparsity is
 * where the two cross.
 *
 * <p>Setup checks the skipping result against the dense one and throws if they differ, so a broken
 * kernel cannot post a fast score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
public class ActivationSkippingBenchmark {
    @Param({"1024"})
    public int size;

    @Param({"1", "32"})
    public int batch;

    @Param({"0.5", "0.8", "0.9", "0.97"})
    public double zeros;

    @Param({"1"})
    public int threads;

    private float[] x;
    private float[] y;
    private LinearWeights dense;
    private LinearWeights skipping;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] w = new float[size * size];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        x = new float[batch * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble() < zeros ? 0f : (float) rnd.nextDouble();
        }
        y = new float[batch * size];
        dense = new DenseWeights(size, size, w);
        skipping = SkippingWeights.of(w, size, size, 0f);
        float[] expected = new float[batch * size];
        dense.multiply(x, 0, batch, expected, 0);
        skipping.multiply(x, 0, batch, y, 0);
        for (int i = 0; i < y.length; i++) {
            if (Math.abs(expected[i] - y[i]) > 1e-3f * (1 + Math.abs(expected[i]))) {
                throw new IllegalStateException("skipping output " + i + " is " + y[i] + ", dense " + expected[i]);
            }
        }
    }

    @Benchmark
    public float[] dense() {
        dense.multiply(x, 0, batch, y, 0);
        return y;
    }

    @Benchmark
    public float[] skipping() {
        skipping.multiply(x, 0, batch, y, 0);
        return y;
    }
}
