package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxNormOpsTest {

    /** Softmax or log-softmax along one axis of {@code shape}, by explicit index arithmetic. */
    private static double[] softmaxRef(double[] x, int[] shape, int axis, boolean log) {
        int[] d = OpSupport.splitAxis(shape, axis);
        double[] y = new double[x.length];
        for (int o = 0; o < d[0]; o++) {
            for (int j = 0; j < d[2]; j++) {
                double s = 0;
                for (int i = 0; i < d[1]; i++) {
                    s += Math.exp(x[(o * d[1] + i) * d[2] + j]);
                }
                for (int i = 0; i < d[1]; i++) {
                    int p = (o * d[1] + i) * d[2] + j;
                    y[p] = log ? x[p] - Math.log(s) : Math.exp(x[p]) / s;
                }
            }
        }
        return y;
    }

    @Test
    void softmaxAndLogSoftmaxOnEveryAxis() {
        int[] shape = {2, 3, 5};
        Tensor t = randn(41, shape);
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            GradCheck.check("softmax " + ax, v -> Ops.softmax(v[0], ax), x -> softmaxRef(x[0], shape, ax, false), t);
            GradCheck.check("logSoftmax " + ax, v -> Ops.logSoftmax(v[0], ax), x -> softmaxRef(x[0], shape, ax, true), t);
        }
    }

    @Test
    void softmaxRowsSumToOneEvenForHugeLogits() {
        Tensor t = Tensor.of(new float[] {1000f, 1001f, 1002f, -1000f, 0f, 1000f}, 2, 3);
        float[] y = Ops.softmax(Var.constant(t), -1).value().toArray();
        assertEquals(1.0, y[0] + y[1] + y[2], 1e-6);
        assertEquals(1.0, y[3] + y[4] + y[5], 1e-6);
        assertEquals(0.6652409, y[2], 1e-6);
        float[] ls = Ops.logSoftmax(Var.constant(t), -1).value().toArray();
        assertEquals(-0.4076059, ls[2], 1e-5);
    }

    private static double[] normRef(double[] x, double[] gamma, double[] beta, int d, boolean center, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mu = 0;
            for (int j = 0; j < d; j++) {
                mu += center ? x[r * d + j] / d : 0;
            }
            double var = 0;
            for (int j = 0; j < d; j++) {
                var += (x[r * d + j] - mu) * (x[r * d + j] - mu) / d;
            }
            for (int j = 0; j < d; j++) {
                double h = (x[r * d + j] - mu) / Math.sqrt(var + eps);
                y[r * d + j] = h * (gamma == null ? 1 : gamma[j]) + (beta == null ? 0 : beta[j]);
            }
        }
        return y;
    }

    @Test
    void layerNormGradients() {
        Tensor x = randn(42, 2, 3, 6);
        Tensor g = randn(43, 6);
        Tensor b = randn(44, 6);
        GradCheck.check("layerNorm", v -> Ops.layerNorm(v[0], v[1], v[2], 1e-5f),
                a -> normRef(a[0], a[1], a[2], 6, true, 1e-5), x, g, b);
        GradCheck.check("layerNorm no affine", v -> Ops.layerNorm(v[0], null, null, 1e-5f),
                a -> normRef(a[0], null, null, 6, true, 1e-5), x);
    }

    @Test
    void rmsNormGradients() {
        Tensor x = randn(45, 4, 7);
        Tensor g = randn(46, 7);
        GradCheck.check("rmsNorm", v -> Ops.rmsNorm(v[0], v[1], 1e-6f),
                a -> normRef(a[0], a[1], null, 7, false, 1e-6), x, g);
    }

    @Test
    void layerNormParameterGradientsAcrossParallelChunks() {
        int rows = 6000;
        int d = 8;
        int saved = dev.joule.kernel.Parallel.threads();
        dev.joule.kernel.Parallel.setThreads(2);
        try {
            Tensor x = randn(48, rows, d);
            Tensor seed = randn(49, rows, d);
            Var xv = Var.param(x);
            Var gamma = Var.param(randn(50, d));
            Var beta = Var.param(randn(51, d));
            Ops.layerNorm(xv, gamma, beta, 1e-5f).backward(seed);
            double[] dGamma = new double[d];
            double[] dBeta = new double[d];
            for (int r = 0; r < rows; r++) {
                double mu = 0;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    mu += x.get(r, j) / (double) d;
                }
                for (int j = 0; j < d; j++) {
                    var += (x.get(r, j) - mu) * (x.get(r, j) - mu) / d;
                }
                for (int j = 0; j < d; j++) {
                    dGamma[j] += seed.get(r, j) * (x.get(r, j) - mu) / Math.sqrt(var + 1e-5);
                    dBeta[j] += seed.get(r, j);
                }
            }
            for (int j = 0; j < d; j++) {
                assertEquals(dGamma[j], gamma.grad().get(j), 1e-3 * (1 + Math.abs(dGamma[j])));
                assertEquals(dBeta[j], beta.grad().get(j), 1e-3 * (1 + Math.abs(dBeta[j])));
            }
        } finally {
            dev.joule.kernel.Parallel.setThreads(saved);
        }
    }

    @Test
    void normParameterShapeErrorsNameBothShapes() {
        Var x = Var.constant(Tensor.zeros(2, 6));
        Var badGamma = Var.constant(Tensor.zeros(5));
        dev.joule.tensor.ShapeException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.joule.tensor.ShapeException.class, () -> Ops.layerNorm(x, badGamma, null, 1e-5f));
        org.junit.jupiter.api.Assertions.assertTrue(
                e.getMessage().contains("[6]") && e.getMessage().contains("[5]") && e.getMessage().contains("[2, 6]"),
                e.getMessage());
    }

    @Test
    void layerNormRowsHaveZeroMeanUnitVariance() {
        Tensor x = randn(47, 5, 32);
        float[] y = Ops.layerNorm(Var.constant(x), null, null, 1e-5f).value().toArray();
        for (int r = 0; r < 5; r++) {
            double mu = 0;
            double sq = 0;
            for (int j = 0; j < 32; j++) {
                mu += y[r * 32 + j];
                sq += y[r * 32 + j] * y[r * 32 + j];
            }
            assertEquals(0.0, mu / 32, 1e-5);
            assertEquals(1.0, sq / 32, 1e-3);
        }
    }
}
