package dev.joule.bench.attention;

import dev.joule.autograd.BlockSparseLayout;
import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.kernel.Parallel;
import dev.joule.nn.BlockSparseAttention;
import dev.joule.tensor.Tensor;
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
 * Causal self-attention forward, one sequence of {@code tokens} positions, 4 heads of width 32: the dense fused
 * op ({@code Ops.attention}, the full T×T product with the mask applied after it) against the block-sparse op
 * on the {@code sparse-transformer}'s token pattern (blocks of {@code block}, window 2 blocks, stride
 * ≈ √(T/block)). No gradient is recorded. Scores are milliseconds per forward.
 *
 * <pre>
 *   java -jar joule-bench/target/benchmarks.jar SparseAttentionBenchmark -wi 2 -w 1 -i 5 -r 1 -f 1
 * </pre>
 *
 * Setup checks that the sparse op with a dense layout reproduces the dense op, so a broken kernel cannot post
 * a fast score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class SparseAttentionBenchmark {
    private static final int HEADS = 4;
    private static final int HEAD_DIM = 32;

    @Param({"512", "2048"})
    public int tokens;

    @Param({"16", "64"})
    public int block;

    @Param({"2"})
    public int threads;

    private Var q;
    private Var k;
    private Var v;
    private BlockSparseLayout layout;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(7);
        q = Var.constant(random(rnd));
        k = Var.constant(random(rnd));
        v = Var.constant(random(rnd));
        layout = BlockSparseLayout.fixed(tokens, block, 2, BlockSparseAttention.sqrtStride(tokens, block), true);
        verify();
    }

    private Tensor random(SplittableRandom rnd) {
        Tensor t = Tensor.zeros(1, HEADS, tokens, HEAD_DIM);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return t;
    }

    private void verify() {
        float[] dense = dense().value().toArray();
        float[] sparse = Ops.blockSparseAttention(q, k, v, BlockSparseLayout.dense(tokens, block, true)).value().toArray();
        for (int i = 0; i < dense.length; i++) {
            if (Math.abs(dense[i] - sparse[i]) > 1e-4f * (1 + Math.abs(dense[i]))) {
                throw new IllegalStateException("block-sparse attention with a dense layout differs from dense attention"
                        + " at " + i + ": " + sparse[i] + " vs " + dense[i]);
            }
        }
    }

    @Benchmark
    public Var dense() {
        try (NoGrad g = NoGrad.enter()) {
            return Ops.attention(q, k, v, true);
        }
    }

    @Benchmark
    public Var sparse() {
        try (NoGrad g = NoGrad.enter()) {
            return Ops.blockSparseAttention(q, k, v, layout);
        }
    }
}
