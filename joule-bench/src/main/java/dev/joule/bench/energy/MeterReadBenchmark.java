package dev.joule.bench.energy;

import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterOptions;
import dev.joule.energy.meter.MeterReading;
import dev.joule.energy.meter.Meters;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one sample: a read of the automatically chosen meter, which is all the background sampler
 * does per tick. On a busy shared machine this is steadier than {@link TrackerOverheadBenchmark}'s
 * slowdown: the overhead of sampling at f Hz on one core is about {@code f × score}, e.g. 10 Hz ×
 * 100 µs = 0.1 %.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class MeterReadBenchmark {
    private EnergyMeter meter;

    @Setup(Level.Trial)
    public void open() {
        meter = Meters.open(MeterOptions.defaults()).meter();
    }

    @TearDown(Level.Trial)
    public void close() {
        meter.close();
    }

    @Benchmark
    public MeterReading read() {
        return meter.read();
    }
}
