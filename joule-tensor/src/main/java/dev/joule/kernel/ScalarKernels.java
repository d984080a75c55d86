package dev.joule.kernel;

import dev.joule.tensor.OpCounter;

/** The scalar reference: plain loops, the oracle every fast kernel is tested against. */
public class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        recordGemm(m, n, k, beta);
        gemmLoops(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The reference loops without counting, shared with implementations that use them for tiny sizes. */
    static void gemmLoops(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? sum : sum + beta * c[ci];
            }
        }
    }

    /** gemm's work: m·n·k MACs, the beta scaling, and A, B and C read (C also written). */
    static void recordGemm(int m, int n, int k, float beta) {
        long mn = (long) m * n;
        long cTraffic = beta == 0f ? mn : 2 * mn;
        long betaFlops = beta == 0f ? 0 : 2 * mn;
        OpCounter.record(mn * k, betaFlops, 4 * ((long) m * k + (long) k * n + cTraffic));
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        OpCounter.record(n, 0, 8L * n);
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        OpCounter.record(n, 0, 12L * n);
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 12L * n);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] + y[yOff + i];
        }
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 12L * n);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] - y[yOff + i];
        }
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 12L * n);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 8L * n);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = alpha * x[xOff + i];
        }
    }

    @Override
    public void addScalar(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        OpCounter.record(0, n, 8L * n);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] + alpha;
        }
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        OpCounter.record(0, n, 4L * n);
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOff + i];
        }
        return s;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        checkNonEmpty(n, "max");
        OpCounter.record(0, n, 4L * n);
        float m = x[xOff];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[xOff + i]);
        }
        return m;
    }

    @Override
    public float expShiftInPlace(float[] x, int xOff, int n, float shift) {
        OpCounter.record(0, 3L * n, 8L * n);
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - shift);
            x[xOff + i] = e;
            s += e;
        }
        return s;
    }

    static void checkNonEmpty(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " needs at least one element, got n = " + n);
        }
    }
}
