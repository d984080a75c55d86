package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MatmulOpsTest {

    private static int[] stored(int rows, int cols, boolean trans, int... lead) {
        int[] s = java.util.Arrays.copyOf(lead, lead.length + 2);
        s[lead.length] = trans ? cols : rows;
        s[lead.length + 1] = trans ? rows : cols;
        return s;
    }

    @Test
    void twoDimensionalWithEveryTransposeFlag() {
        int m = 3;
        int k = 4;
        int n = 5;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = randn(61, stored(m, k, ta));
                Tensor b = randn(62, stored(k, n, tb));
                GradCheck.check("matmul " + ta + " " + tb, v -> Ops.matmul(v[0], v[1], ta, tb), x -> {
                    double[] c = new double[m * n];
                    Ref.matmul(x[0], 0, ta, x[1], 0, tb, c, 0, m, n, k);
                    return c;
                }, a, b);
            }
        }
    }

    @Test
    void batchedWithEqualLeadingDimsAndTransposes() {
        int m = 3;
        int k = 2;
        int n = 4;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = randn(63, stored(m, k, ta, 2, 2));
                Tensor b = randn(64, stored(k, n, tb, 2, 2));
                GradCheck.check("bmm " + ta + " " + tb, v -> Ops.matmul(v[0], v[1], ta, tb), x -> {
                    double[] c = new double[4 * m * n];
                    for (int t = 0; t < 4; t++) {
                        Ref.matmul(x[0], t * m * k, ta, x[1], t * k * n, tb, c, t * m * n, m, n, k);
                    }
                    return c;
                }, a, b);
            }
        }
    }

    @Test
    void sharedOperandsFoldOrLoop() {
        int m = 3;
        int k = 4;
        int n = 2;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = randn(65, stored(m, k, ta, 3));
                Tensor b = randn(66, stored(k, n, tb));
                GradCheck.check("shared B " + ta + " " + tb, v -> Ops.matmul(v[0], v[1], ta, tb), x -> {
                    double[] c = new double[3 * m * n];
                    for (int t = 0; t < 3; t++) {
                        Ref.matmul(x[0], t * m * k, ta, x[1], 0, tb, c, t * m * n, m, n, k);
                    }
                    return c;
                }, a, b);
                Tensor a2 = randn(67, stored(m, k, ta));
                Tensor b2 = randn(68, stored(k, n, tb, 3));
                GradCheck.check("shared A " + ta + " " + tb, v -> Ops.matmul(v[0], v[1], ta, tb), x -> {
                    double[] c = new double[3 * m * n];
                    for (int t = 0; t < 3; t++) {
                        Ref.matmul(x[0], 0, ta, x[1], t * k * n, tb, c, t * m * n, m, n, k);
                    }
                    return c;
                }, a2, b2);
            }
        }
    }

    @Test
    void linearWithAndWithoutBias() {
        Tensor x = randn(69, 2, 3, 4);
        Tensor w = randn(70, 5, 4);
        Tensor b = randn(71, 5);
        GradCheck.check("linear", v -> Ops.linear(v[0], v[1], v[2]), a -> {
            double[] y = new double[6 * 5];
            Ref.matmul(a[0], 0, false, a[1], 0, true, y, 0, 6, 5, 4);
            for (int i = 0; i < y.length; i++) {
                y[i] += a[2][i % 5];
            }
            return y;
        }, x, w, b);
        GradCheck.check("linear no bias", v -> Ops.linear(v[0], v[1], null), a -> {
            double[] y = new double[6 * 5];
            Ref.matmul(a[0], 0, false, a[1], 0, true, y, 0, 6, 5, 4);
            return y;
        }, x, w);
        assertArrayEquals(new int[] {2, 3, 5}, Ops.linear(Var.constant(x), Var.constant(w), null).shape());
    }

    @Test
    void mismatchedInnerDimensionsNameBothShapes() {
        Var a = Var.constant(Tensor.zeros(2, 3));
        Var b = Var.constant(Tensor.zeros(4, 5));
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.matmul(a, b));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        ShapeException lin = assertThrows(ShapeException.class, () -> Ops.linear(a, Var.constant(Tensor.zeros(5, 4)), null));
        assertTrue(lin.getMessage().contains("[5, 4]"), lin.getMessage());
    }
}
