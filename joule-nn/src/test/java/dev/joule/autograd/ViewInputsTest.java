package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Ops must honour a tensor's offset: a view into a larger array gives the same values and gradients as a copy. */
class ViewInputsTest {

    /** Rows [1, 1 + shape[0]) of a bigger random tensor: same values as a fresh tensor, non-zero offset. */
    private static Tensor view(long seed, int... shape) {
        int[] big = shape.clone();
        big[0] += 2;
        return randn(seed, big).rows(1, 1 + shape[0]);
    }

    private static void same(String name, Function<Var[], Var> op, Tensor... inputs) {
        Var[] viaView = new Var[inputs.length];
        Var[] viaCopy = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            viaView[i] = Var.param(inputs[i]);
            viaCopy[i] = Var.param(inputs[i].copy());
        }
        Var a = op.apply(viaView);
        Var b = op.apply(viaCopy);
        assertArrayEquals(b.value().toArray(), a.value().toArray(), name + " forward");
        Tensor seed = randn(7, a.shape());
        a.backward(seed);
        b.backward(seed);
        for (int i = 0; i < inputs.length; i++) {
            assertArrayEquals(viaCopy[i].grad().toArray(), viaView[i].grad().toArray(), name + " grad " + i);
        }
    }

    @Test
    void everyOpFamilyReadsThroughOffsets() {
        same("add bias", v -> Ops.add(v[0], v[1]), view(1, 3, 4), view(2, 1, 4).reshape(4));
        same("mul", v -> Ops.mul(v[0], v[1]), view(3, 3, 4), view(4, 3, 4));
        same("mul broadcast", v -> Ops.mul(v[0], v[1]), view(3, 3, 4), view(4, 3, 1));
        same("matmul", v -> Ops.matmul(v[0], v[1]), view(5, 2, 3, 4), view(6, 4, 5));
        same("bmm", v -> Ops.matmul(v[0], v[1], true, true), view(5, 2, 4, 3), view(6, 2, 5, 4));
        same("linear", v -> Ops.linear(v[0], v[1], v[2]), view(7, 3, 4), view(8, 5, 4), view(9, 1, 5).reshape(5));
        same("softmax", v -> Ops.softmax(v[0], -1), view(10, 3, 5));
        same("logSoftmax", v -> Ops.logSoftmax(v[0], 0), view(10, 3, 5));
        same("layerNorm", v -> Ops.layerNorm(v[0], v[1], v[2], 1e-5f), view(11, 3, 6), view(12, 1, 6).reshape(6),
                view(13, 1, 6).reshape(6));
        same("gelu", v -> Ops.gelu(v[0]), view(14, 5, 7));
        same("sigmoid", v -> Ops.sigmoid(v[0]), view(14, 5, 7));
        same("transpose", v -> Ops.transpose(v[0], 0, 2), view(15, 2, 3, 4));
        same("slice", v -> Ops.slice(v[0], 1, 1, 3), view(16, 2, 3, 4));
        same("concat", v -> Ops.concat(List.of(v[0], v[1]), 0), view(17, 2, 3), view(18, 1, 3));
        same("sum", v -> Ops.sum(v[0], 1, false), view(19, 2, 3, 4));
        same("max", v -> Ops.max(v[0], 0, true), view(19, 2, 3, 4));
        same("cumsum", v -> Ops.cumsum(v[0], 1), view(19, 2, 3, 4));
        same("attention", v -> Ops.attention(v[0], v[1], v[2], true), view(20, 1, 2, 3, 4), view(21, 1, 2, 3, 4),
                view(22, 1, 2, 3, 4));
        same("conv2d", v -> Ops.conv2d(v[0], v[1], v[2], 1, 1), view(23, 1, 2, 4, 4), view(24, 3, 2, 3, 3),
                view(25, 1, 3).reshape(3));
        same("maxPool2d", v -> Ops.maxPool2d(v[0], 2, 2), view(26, 1, 2, 4, 4));
        same("conv1dCausal", v -> Ops.conv1dCausal(v[0], v[1], null), view(27, 2, 5, 3), view(28, 3, 2));
        same("crossEntropy", v -> Ops.crossEntropy(v[0], new int[] {1, 0, 2}, 0.1f), view(29, 3, 4));
        same("mse", v -> Ops.mse(v[0], v[1]), view(30, 3, 4), view(31, 3, 4));
        same("embedding", v -> Ops.embedding(v[0], Tensor.of(new float[] {2, 0, 2}, 3)), view(32, 4, 3));
        same("maskedFill", v -> Ops.maskedFill(v[0], Tensor.of(new float[] {1, 0, 0}, 3), 5f), view(33, 2, 3));
    }
}
