package dev.joule.onnx.bench;

import dev.joule.kernel.Kernels;
import dev.joule.kernel.Parallel;
import java.util.Random;

/** Developer tool: the small-m projection shapes of batch-1 inference, three ways. */
public final class GemmShapes {
    public static void main(String[] args) {
        Parallel.setThreads(Integer.parseInt(args[0]));
        int m = Integer.parseInt(args[1]);
        int k = 384;
        int n = 1536;
        Random r = new Random(1);
        float[] x = new float[m * k];
        float[] w = new float[k * n];
        float[] wt = new float[n * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat();
        }
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                wt[j * k + p] = w[p * n + j];
            }
        }
        float[] c = new float[m * n];
        float[] ct = new float[m * n];
        Kernels kern = Kernels.get();
        dev.joule.kernel.PackedMatrix pre = dev.joule.kernel.PackedMatrix.pack(false, w, 0, n, k, n);
        for (int round = 0; round < 3; round++) {
            int reps = 300;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                kern.gemm(false, false, m, n, k, x, 0, k, w, 0, n, 0f, c, 0, n);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                kern.gemm(true, true, n, m, k, w, 0, n, x, 0, k, 0f, ct, 0, m);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                kern.gemm(false, true, n, m, k, wt, 0, k, x, 0, k, 0f, ct, 0, m);
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                pre.multiply(m, x, 0, k, 0f, c, 0, n);
            }
            long t4 = System.nanoTime();
            double macs = (double) m * n * k * reps;
            System.out.printf("m=%d: x·W %.1f GMAC/s, (Wᵀ via flags)·xᵀ %.1f, (Wt packed)·xᵀ %.1f, x·W pre-packed %.1f%n", m,
                    macs / (t1 - t0), macs / (t2 - t1), macs / (t3 - t2), macs / (t4 - t3));
        }
    }
}
