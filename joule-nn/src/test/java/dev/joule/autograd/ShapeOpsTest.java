package dev.joule.autograd;

import static dev.joule.autograd.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapeOpsTest {

    @Test
    void reshapeIsAViewWithGradient() {
        Tensor t = randn(51, 2, 6);
        GradCheck.check("reshape", v -> Ops.reshape(v[0], 3, -1), x -> x[0].clone(), t);
        assertArrayEquals(new int[] {3, 4}, Ops.reshape(Var.constant(t), 3, -1).shape());
    }

    @Test
    void transposeEveryAxisPair() {
        int[] s = {2, 3, 4, 2};
        Tensor t = randn(52, s);
        for (int p = 0; p < 4; p++) {
            for (int q = 0; q < 4; q++) {
                int a1 = p;
                int a2 = q;
                GradCheck.check("transpose " + p + "," + q, v -> Ops.transpose(v[0], a1, a2), x -> {
                    int[] o = s.clone();
                    o[a1] = s[a2];
                    o[a2] = s[a1];
                    double[] y = new double[x[0].length];
                    int[] idx = new int[4];
                    for (int i = 0; i < y.length; i++) {
                        int rem = i;
                        for (int d = 3; d >= 0; d--) {
                            idx[d] = rem % o[d];
                            rem /= o[d];
                        }
                        int[] src = idx.clone();
                        src[a1] = idx[a2];
                        src[a2] = idx[a1];
                        y[i] = x[0][((src[0] * s[1] + src[1]) * s[2] + src[2]) * s[3] + src[3]];
                    }
                    return y;
                }, t);
            }
        }
    }

    @Test
    void sliceAndConcatAlongMiddleAxis() {
        Tensor a = randn(53, 2, 3, 2);
        Tensor b = randn(54, 2, 1, 2);
        GradCheck.check("slice", v -> Ops.slice(v[0], 1, 1, 3), x -> {
            double[] y = new double[8];
            for (int o = 0; o < 2; o++) {
                System.arraycopy(x[0], (o * 3 + 1) * 2, y, o * 4, 4);
            }
            return y;
        }, a);
        GradCheck.check("concat", v -> Ops.concat(List.of(v[0], v[1], v[0]), 1), x -> {
            double[] y = new double[2 * 7 * 2];
            for (int o = 0; o < 2; o++) {
                System.arraycopy(x[0], o * 6, y, o * 14, 6);
                System.arraycopy(x[1], o * 2, y, o * 14 + 6, 2);
                System.arraycopy(x[0], o * 6, y, o * 14 + 8, 6);
            }
            return y;
        }, a, b);
        ShapeException e = assertThrows(ShapeException.class,
                () -> Ops.concat(List.of(Var.constant(a), Var.constant(Tensor.zeros(3, 1, 2))), 1));
        assertTrue(e.getMessage().contains("[3, 1, 2]") && e.getMessage().contains("[2, 3, 2]"), e.getMessage());
    }

    @Test
    void embeddingGathersAndScatterAdds() {
        Tensor table = randn(55, 5, 3);
        Tensor ids = Tensor.of(new float[] {4, 0, 4, 2}, 2, 2);
        GradCheck.check("embedding", v -> Ops.embedding(v[0], ids), x -> {
            double[] y = new double[12];
            for (int i = 0; i < 4; i++) {
                System.arraycopy(x[0], (int) ids.toArray()[i] * 3, y, i * 3, 3);
            }
            return y;
        }, table);
        assertArrayEquals(new int[] {2, 2, 3}, Ops.embedding(Var.constant(table), ids).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.embedding(Var.constant(table), Tensor.of(new float[] {7}, 1)));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void dropoutUsesTheGivenGeneratorAndScales() {
        Tensor a = randn(56, 4, 5);
        float p = 0.3f;
        GradCheck.check("dropout", v -> Ops.dropout(v[0], p, new SplittableRandom(9)), x -> {
            SplittableRandom r = new SplittableRandom(9);
            double[] y = new double[x[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextFloat() >= p ? x[0][i] / (1 - p) : 0;
            }
            return y;
        }, a);
        Var same = Var.constant(a);
        assertTrue(Ops.dropout(same, 0f, new SplittableRandom(1)) == same);
        float[] big = Ops.dropout(Var.constant(Tensor.full(1f, 20000)), 0.25f, new SplittableRandom(3)).value().toArray();
        double mean = 0;
        for (float f : big) {
            mean += f / big.length;
        }
        assertEquals(1.0, mean, 0.03);
    }
}
