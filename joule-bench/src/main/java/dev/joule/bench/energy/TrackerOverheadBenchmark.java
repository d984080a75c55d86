package dev.joule.bench.energy;

import dev.joule.energy.meter.MeterOptions;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.TrackerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Slowdown of a CPU-bound loop while the energy tracker samples in the background, with the
 * meters this machine offers (auto choice). {@code sampling=none} is the baseline; the target is
 * under 1 % slowdown at 10 Hz and under 0.1 % at 1 Hz: compare the scores of the three rows.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar joule-bench/target/benchmarks.jar TrackerOverhead</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
public class TrackerOverheadBenchmark {
    /** Sampling interval: none (no tracker), 1000ms (1 Hz) or 100ms (10 Hz). */
    @Param({"none", "1000ms", "100ms"})
    public String sampling;

    private EnergyRun run;
    private final double[] data = new double[1 << 16];

    @Setup(Level.Trial)
    public void start() {
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5 + 1;
        }
        if (!sampling.equals("none")) {
            Duration interval = Duration.ofMillis(Long.parseLong(sampling.replace("ms", "")));
            run = EnergyTracker.start("overhead", TrackerConfig.defaults().withSampleInterval(interval)
                    .withMeterOptions(MeterOptions.defaults()));
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (run != null) {
            run.close();
        }
    }

    /** A dependent chain of square roots over 64 Ki doubles: pure CPU, no allocation. */
    @Benchmark
    public double cpuBoundLoop() {
        double acc = 0;
        for (double v : data) {
            acc = Math.sqrt(acc + v);
        }
        return acc;
    }
}
