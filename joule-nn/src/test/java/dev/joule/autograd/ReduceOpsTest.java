package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {

    private static final int[] SHAPE = {2, 3, 4};

    /** Reference reduction over one axis of a [2, 3, 4] tensor: kind 0 sum, 1 mean, 2 max, 3 cumsum. */
    private static double[] reduce(double[] x, int axis, int kind) {
        int[] dims = OpSupport.splitAxis(SHAPE, axis);
        int outer = dims[0];
        int n = dims[1];
        int inner = dims[2];
        double[] y = new double[kind == 3 ? x.length : outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double acc = kind == 2 ? Double.NEGATIVE_INFINITY : 0;
                for (int i = 0; i < n; i++) {
                    double v = x[(o * n + i) * inner + j];
                    acc = kind == 2 ? Math.max(acc, v) : acc + v;
                    if (kind == 3) {
                        y[(o * n + i) * inner + j] = acc;
                    }
                }
                if (kind != 3) {
                    y[o * inner + j] = kind == 1 ? acc / n : acc;
                }
            }
        }
        return y;
    }

    @Test
    void axisReductionsOnEveryAxis() {
        Tensor t = randn(31, SHAPE);
        for (int axis = -1; axis < 3; axis++) {
            int ax = axis;
            GradCheck.check("sum " + ax, v -> Ops.sum(v[0], ax, false), x -> reduce(x[0], ax, 0), t);
            GradCheck.check("mean " + ax, v -> Ops.mean(v[0], ax, true), x -> reduce(x[0], ax, 1), t);
            GradCheck.check("max " + ax, v -> Ops.max(v[0], ax, false), x -> reduce(x[0], ax, 2), t);
            GradCheck.check("cumsum " + ax, v -> Ops.cumsum(v[0], ax), x -> reduce(x[0], ax, 3), t);
        }
    }

    @Test
    void keepDimShapes() {
        Var a = Var.constant(Tensor.zeros(SHAPE));
        assertArrayEquals(new int[] {2, 1, 4}, Ops.sum(a, 1, true).shape());
        assertArrayEquals(new int[] {2, 4}, Ops.mean(a, 1, false).shape());
        assertArrayEquals(new int[] {2, 3}, Ops.max(a, -1, false).shape());
    }

    @Test
    void wholeTensorReductions() {
        Tensor t = randn(32, 3, 5);
        GradCheck.check("sumAll", v -> Ops.sumAll(v[0]), x -> new double[] {java.util.Arrays.stream(x[0]).sum()}, t);
        GradCheck.check("meanAll", v -> Ops.meanAll(v[0]),
                x -> new double[] {java.util.Arrays.stream(x[0]).sum() / 15}, t);
    }

    @Test
    void argmaxReturnsFirstMaximumIndex() {
        Tensor t = Tensor.of(new float[] {1, 5, 5, 2, 9, 0}, 2, 3);
        assertArrayEquals(new float[] {1, 1}, Ops.argmax(t, 1).toArray());
        assertArrayEquals(new float[] {1, 1, 0}, Ops.argmax(t, 0).toArray());
    }
}
