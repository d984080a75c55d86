package dev.joule.bench.kernel;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.ScalarKernels;
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
 * f32 matrix products, scalar reference against the selected (vector) kernels, in pairs:
 * {@code gemm*}: square {@code [size × size] · [size × size]}; {@code gemv*}: batch-1
 * {@code [1 × size] · [size × size]}. Scores are operations per second; GFLOP/s =
 * score × 2·size³ / 1e9 for gemm and score × 2·size² / 1e9 for gemv
 * ({@code scripts/matmul-side-by-side.sh} converts and compares with PyTorch).
 *
 * <p>Setup checks the vector result against the scalar one and throws if they differ, so a broken
 * kernel cannot post a fast score. The scalar pair is slow at 1024: filter it with {@code -p}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    @Param({"64", "127", "256", "512", "1024"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private final Kernels scalar = new ScalarKernels();
    private final Kernels vector = Kernels.get();
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(1);
        a = random(rnd, size * size);
        b = random(rnd, size * size);
        c = new float[size * size];
        verify();
    }

    private static float[] random(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private void verify() {
        int n = Math.min(size, 256);
        float[] expected = new float[n * n];
        float[] actual = new float[n * n];
        scalar.gemm(false, false, n, n, n, a, 0, n, b, 0, n, 0f, expected, 0, n);
        vector.gemm(false, false, n, n, n, a, 0, n, b, 0, n, 0f, actual, 0, n);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-3f * (1 + Math.abs(expected[i]))) {
                throw new IllegalStateException(vector.name() + " gemm differs from scalar at " + i
                        + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }

    @Benchmark
    public float[] gemmScalar() {
        scalar.gemm(false, false, size, size, size, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }

    @Benchmark
    public float[] gemmVector() {
        vector.gemm(false, false, size, size, size, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }

    @Benchmark
    public float[] gemvScalar() {
        scalar.gemm(false, false, 1, size, size, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }

    @Benchmark
    public float[] gemvVector() {
        vector.gemm(false, false, 1, size, size, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }
}
