package dev.joule.bench.kernel;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import dev.joule.kernel.sparse.BlockSparseMatrix;
import dev.joule.kernel.sparse.CsrMatrix;
import dev.joule.kernel.sparse.NmMatrix;
import dev.joule.kernel.sparse.ScalarSparseKernels;
import dev.joule.kernel.sparse.SparseKernels;
import dev.joule.kernel.sparse.SparseMatrix;
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
 * A sparse linear layer {@code y = x · Wᵀ}, {@code W [size × size]} (row-major {@code [out, in]}),
 * {@code x [batch × size]}, at a weight density: Joule's dense f32 gemm on the same matrix with its
 * zeros ({@code dense}), CSR of an unstructured random pattern ({@code csr}; {@code csrScalar} is
 * the scalar reference on it), 4 × 16 blocks of a block-random pattern ({@code block}) and N:M with
 * {@code N/M} = density (2:4, 1:4, 1:10, 1:20) pruned from a dense random matrix ({@code nm}).
 * Average time per call in µs; {@code scripts/sparse-break-even.py} turns the JSON result into the
 * side-by-side table and the break-even densities that {@code SparseFormatChooser} reads.
 *
 * <p>Setup checks every sparse result against the dense kernel on the same matrix and throws if they
 * differ, so a broken kernel cannot post a fast score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
public class SparseMatvecBenchmark {
    @Param({"1024"})
    public int size;

    @Param({"1", "32"})
    public int batch;

    @Param({"0.5", "0.25", "0.1", "0.05"})
    public double density;

    @Param({"1"})
    public int threads;

    private final Kernels dense = Kernels.get();
    private final SparseKernels sparse = SparseKernels.get();
    private final SparseKernels scalar = new ScalarSparseKernels();
    private float[] x;
    private float[] y;
    private float[] wUnstructured;
    private float[] wBlock;
    private float[] wNm;
    private CsrMatrix csr;
    private BlockSparseMatrix block;
    private NmMatrix nm;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(7);
        x = random(rnd, batch * size, 1.0);
        y = new float[batch * size];
        wUnstructured = random(rnd, size * size, density);
        csr = CsrMatrix.fromDense(wUnstructured, 0, size, size, 0f);
        wBlock = blockRandom(rnd, 4, 16);
        block = BlockSparseMatrix.fromDense(wBlock, 0, size, size, 4, 16, 0f);
        int m = (int) Math.round(1 / density);
        int n = 1;
        if (m == 2) { // 50 %: the common 2:4 rather than 1:2
            n = 2;
            m = 4;
        }
        nm = NmMatrix.fromDense(random(rnd, size * size, 1.0), 0, size, size, n, m);
        wNm = nm.toDense();
        verify(csr, wUnstructured);
        verify(block, wBlock);
        verify(nm, wNm);
    }

    private static float[] random(SplittableRandom rnd, int len, double density) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            if (rnd.nextDouble() < density) {
                v[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        return v;
    }

    private float[] blockRandom(SplittableRandom rnd, int br, int bc) {
        float[] w = new float[size * size];
        for (int r0 = 0; r0 < size; r0 += br) {
            for (int c0 = 0; c0 < size; c0 += bc) {
                if (rnd.nextDouble() < density) {
                    for (int r = r0; r < r0 + br; r++) {
                        for (int c = c0; c < c0 + bc; c++) {
                            w[r * size + c] = (float) (rnd.nextDouble() * 2 - 1);
                        }
                    }
                }
            }
        }
        return w;
    }

    private void verify(SparseMatrix m, float[] w) {
        float[] expected = new float[batch * size];
        denseProduct(w, expected);
        sparseProduct(sparse, m, y);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - y[i]) > 1e-3f * (1 + Math.abs(expected[i]))) {
                throw new IllegalStateException(sparse.name() + " " + m.format() + " differs from dense at " + i
                        + ": " + y[i] + " vs " + expected[i]);
            }
        }
    }

    private void denseProduct(float[] w, float[] out) {
        dense.gemm(false, true, batch, size, size, x, 0, size, w, 0, size, 0f, out, 0, size);
    }

    private void sparseProduct(SparseKernels k, SparseMatrix m, float[] out) {
        if (batch == 1) {
            k.gemv(m, x, 0, out, 0);
        } else {
            k.gemm(m, batch, x, 0, size, out, 0, size);
        }
    }

    @Benchmark
    public float[] dense() {
        denseProduct(wUnstructured, y);
        return y;
    }

    @Benchmark
    public float[] csr() {
        sparseProduct(sparse, csr, y);
        return y;
    }

    @Benchmark
    public float[] csrScalar() {
        sparseProduct(scalar, csr, y);
        return y;
    }

    @Benchmark
    public float[] block() {
        sparseProduct(sparse, block, y);
        return y;
    }

    @Benchmark
    public float[] nm() {
        sparseProduct(sparse, nm, y);
        return y;
    }
}
