package dev.joule.bench.kernel;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.quant.Int4Matrix;
import dev.joule.kernel.quant.Int8Activations;
import dev.joule.kernel.quant.Int8Matrix;
import dev.joule.kernel.quant.QuantKernels;
import dev.joule.kernel.quant.ScalarQuantKernels;
import java.util.Arrays;
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
 * A linear layer {@code y = x · Wᵀ} with {@code W} square {@code [size × size]} and {@code x}
 * {@code [batch × size]}, four ways: Joule's f32 gemm ({@code transB}, the same row-major
 * {@code [out, in]} layout the quantized kernels use; batch 1 takes its matrix-vector path; and
 * {@code f32InOut}, weights stored {@code [in, out]}, Joule's other matrix-vector loop), W8A8
 * (dynamic per-row activation quantization included in the timing, then int8 × int8 with int32
 * sums), int8 weight-only and int4 weight-only (f32 activations). Average time per call.
 *
 * <p>Setup checks the W8A8 vector result against the scalar reference bit for bit and throws if
 * they differ, so a broken kernel cannot post a fast score.
 *
 * <p>The quantized kernels are {@code QuantKernels.get()}: the native AVX-512 VNNI W8A8 kernel where
 * it is available (ADR 0010); {@code -jvmArgsAppend "-Xms1g -Xmx1g -Djoule.quant=vector"} times the
 * pure-Java ones instead (results/quant-native-2026-11-26.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QuantGemvBenchmark {
    @Param({"256", "512", "1024"})
    public int size;

    @Param({"1", "32"})
    public int batch;

    @Param({"1"})
    public int threads;

    private final Kernels f32 = Kernels.get();
    private final QuantKernels quant = QuantKernels.get();
    private float[] x;
    private float[] w;
    private float[] y;
    private Int8Matrix w8;
    private Int4Matrix w4;
    private Int8Activations x8;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(1);
        x = random(rnd, batch * size);
        w = random(rnd, size * size);
        y = new float[batch * size];
        w8 = Int8Matrix.quantize(w, 0, size, size);
        w4 = Int4Matrix.quantize(w, 0, size, size);
        x8 = new Int8Activations(batch, size);
        verify();
    }

    private static float[] random(SplittableRandom rnd, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private void verify() {
        x8.quantize(x, 0);
        float[] expected = new float[batch * size];
        new ScalarQuantKernels().gemmW8A8(x8, w8, expected, 0);
        quant.gemmW8A8(x8, w8, y, 0);
        if (!Arrays.equals(expected, y)) {
            throw new IllegalStateException(quant.name() + " W8A8 differs from the scalar reference");
        }
    }

    @Benchmark
    public float[] f32() {
        f32.gemm(false, true, batch, size, size, x, 0, size, w, 0, size, 0f, y, 0, size);
        return y;
    }

    /** f32 with the weights stored {@code [in, out]} ({@code x · W}): Joule's other gemv loop, for the best f32 figure. */
    @Benchmark
    public float[] f32InOut() {
        f32.gemm(false, false, batch, size, size, x, 0, size, w, 0, size, 0f, y, 0, size);
        return y;
    }

    @Benchmark
    public float[] w8a8() {
        quant.gemmW8A8(quant.quantizeActivations(x, 0, x8), w8, y, 0);
        return y;
    }

    @Benchmark
    public float[] int8Weights() {
        quant.gemmInt8Weights(x, 0, batch, w8, y, 0);
        return y;
    }

    @Benchmark
    public float[] int4Weights() {
        quant.gemmInt4Weights(x, 0, batch, w4, y, 0);
        return y;
    }
}
