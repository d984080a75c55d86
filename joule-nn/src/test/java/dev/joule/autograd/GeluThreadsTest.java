package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.joule.kernel.Parallel;
import dev.joule.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GELU runs split across threads at fixed block boundaries. Results are compared up to last-bit
 * rounding: before C2 compiles it, the Vector API runs its Java fallback (Math.exp and exact fma instead
 * of the SVML exp), which can differ by an ulp, so bit-equality here would test the JIT, not the split.
 */
class GeluThreadsTest {

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static float[][] run(float[] data, int threads) {
        Parallel.setThreads(threads);
        Var x = Var.param(Tensor.of(data.clone(), data.length));
        Var y = Ops.gelu(x);
        y.backward(Tensor.full(0.5f, data.length));
        return new float[][] {y.value().toArray(), x.grad().toArray()};
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Random rnd = new Random(7);
        float[] data = new float[100_003];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (rnd.nextGaussian() * 3);
        }
        float[][] one = run(data, 1);
        for (int threads : new int[] {2, 3}) {
            float[][] many = run(data, threads);
            assertArrayEquals(one[0], many[0], 1e-6f, "forward, " + threads + " threads");
            assertArrayEquals(one[1], many[1], 1e-6f, "backward, " + threads + " threads");
        }
    }
}
