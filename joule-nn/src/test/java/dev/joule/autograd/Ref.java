package dev.joule.autograd;

import dev.joule.tensor.Shape;
import java.util.function.DoubleBinaryOperator;

/** Naive double-precision references used by the gradient checks: index arithmetic spelled out, no tricks. */
final class Ref {
    private Ref() {}

    /** NumPy-broadcast elementwise {@code f(a, b)} by explicit multi-index arithmetic. */
    static double[] broadcast(double[] a, int[] as, double[] b, int[] bs, DoubleBinaryOperator f) {
        int[] out = Shape.broadcast(as, bs);
        int n = Shape.size(out);
        double[] y = new double[n];
        int[] idx = new int[out.length];
        for (int i = 0; i < n; i++) {
            int rem = i;
            for (int d = out.length - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
            }
            y[i] = f.applyAsDouble(a[pick(idx, as)], b[pick(idx, bs)]);
        }
        return y;
    }

    private static int pick(int[] idx, int[] s) {
        int flat = 0;
        for (int d = 0; d < s.length; d++) {
            int i = idx[idx.length - s.length + d];
            flat = flat * s[d] + (s[d] == 1 ? 0 : i);
        }
        return flat;
    }

    /** C[m, n] = A[m, k] · B[k, n] at the given offsets, with optional stored transposes. */
    static void matmul(double[] a, int aOff, boolean ta, double[] b, int bOff, boolean tb,
                       double[] c, int cOff, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    double bv = tb ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    s += av * bv;
                }
                c[cOff + i * n + j] = s;
            }
        }
    }

    /** Softmax of each run of {@code n} values along the last axis. */
    static double[] softmaxRows(double[] x, int n) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, x[r * n + j]);
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.exp(x[r * n + j] - max);
            }
            for (int j = 0; j < n; j++) {
                y[r * n + j] = Math.exp(x[r * n + j] - max) / s;
            }
        }
        return y;
    }

    /** erf by its Taylor series (converges fast for |x| < 4; beyond that erf is ±1 to 1e-8). */
    static double erf(double x) {
        if (Math.abs(x) > 5) {
            return Math.signum(x);
        }
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
