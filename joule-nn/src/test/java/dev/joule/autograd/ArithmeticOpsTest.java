package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static dev.joule.autograd.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

class ArithmeticOpsTest {

    /** Pairs of shapes covering same-shape, bias-style suffixes, leading ones and two-sided broadcasts. */
    private static final int[][][] SHAPES = {
        {{3, 4}, {3, 4}},
        {{2, 3, 4}, {4}},
        {{4}, {2, 3, 4}},
        {{2, 3, 4}, {1, 3, 4}},
        {{2, 3, 4}, {2, 1, 4}},
        {{3, 1}, {1, 4}},
        {{2, 3, 1}, {3, 5}},
        {{2, 3}, {}},
    };

    private static void checkBinary(String name, Op2 op, DoubleBinaryOperator f, boolean positiveB) {
        long seed = 1;
        for (int[][] pair : SHAPES) {
            int[] as = pair[0];
            int[] bs = pair[1];
            Tensor a = randn(seed++, as);
            Tensor b = positiveB ? uniform(seed++, 0.5f, 2f, bs) : randn(seed++, bs);
            GradCheck.check(name + " " + java.util.Arrays.toString(as) + " " + java.util.Arrays.toString(bs),
                    v -> op.apply(v[0], v[1]),
                    x -> Ref.broadcast(x[0], as, x[1], bs, f), a, b);
        }
    }

    private interface Op2 {
        Var apply(Var a, Var b);
    }

    @Test
    void addBroadcastsAndReducesGradients() {
        checkBinary("add", Ops::add, Double::sum, false);
    }

    @Test
    void subBroadcastsAndReducesGradients() {
        checkBinary("sub", Ops::sub, (p, q) -> p - q, false);
    }

    @Test
    void mulBroadcastsAndReducesGradients() {
        checkBinary("mul", Ops::mul, (p, q) -> p * q, false);
    }

    @Test
    void divBroadcastsAndReducesGradients() {
        checkBinary("div", Ops::div, (p, q) -> p / q, true);
    }

    @Test
    void broadcastShapeIsNumpys() {
        Var a = Var.constant(Tensor.zeros(2, 3, 1));
        Var b = Var.constant(Tensor.zeros(3, 5));
        assertArrayEquals(new int[] {2, 3, 5}, Ops.add(a, b).shape());
        Var bias = Var.constant(Tensor.of(new float[] {10, 20}, 2));
        Var x = Var.constant(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[] {11, 22, 13, 24}, Ops.add(x, bias).value().toArray());
    }

    @Test
    void incompatibleShapesNameBoth() {
        Var a = Var.constant(Tensor.zeros(2, 3));
        Var b = Var.constant(Tensor.zeros(4));
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.mul(a, b));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void scalarOpsMatchReferences() {
        Tensor a = randn(7, 3, 4);
        GradCheck.check("scale", v -> Ops.scale(v[0], -2.5f), x -> GradCheck.map(x[0], t -> -2.5 * t), a);
        GradCheck.check("addScalar", v -> Ops.addScalar(v[0], 3f), x -> GradCheck.map(x[0], t -> t + 3), a);
        GradCheck.check("neg", v -> Ops.neg(v[0]), x -> GradCheck.map(x[0], t -> -t), a);
        GradCheck.check("square", v -> Ops.square(v[0]), x -> GradCheck.map(x[0], t -> t * t), a);
        Tensor pos = uniform(8, 0.2f, 3f, 3, 4);
        GradCheck.check("sqrt", v -> Ops.sqrt(v[0]), x -> GradCheck.map(x[0], Math::sqrt), pos);
    }

    @Test
    void maskedFillReplacesAndBlocksGradient() {
        Tensor a = randn(9, 2, 3, 3);
        Tensor mask = Tensor.of(new float[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 3);
        float[] m = mask.toArray();
        GradCheck.check("maskedFill", v -> Ops.maskedFill(v[0], mask, -7f), x -> {
            double[] y = x[0].clone();
            for (int i = 0; i < y.length; i++) {
                if (m[i % 9] != 0) {
                    y[i] = -7;
                }
            }
            return y;
        }, a);
        Tensor rowMask = Tensor.of(new float[] {1, 0}, 2, 1, 1);
        Var out = Ops.maskedFill(Var.constant(a), rowMask, 0f);
        assertEquals(0f, out.value().get(0, 2, 2));
        assertEquals(a.get(1, 2, 2), out.value().get(1, 2, 2));
    }
}
