package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.kernel.forms.DenseWeights;
import dev.joule.tensor.ShapeException;
import dev.joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Ops#linear} with a {@link LinearFakeQuant} attached multiplies the mapped input by the mapped
 * weight, and gradients flow back through both maps. Smooth maps (squares) stand in for fake
 * quantization here so central differences can check the wiring; joule-compress checks the
 * straight-through maps themselves.
 */
class LinearFakeQuantDispatchTest {

    private static final LinearFakeQuant SQUARES = new LinearFakeQuant() {
        @Override
        public Var input(Var x) {
            return Ops.mul(x, x);
        }

        @Override
        public Var weight(Var w) {
            return Ops.mul(w, w);
        }
    };

    @Test
    void gradientsFlowThroughBothMaps() {
        int rows = 3, in = 4, out = 2;
        Tensor x = Tensor.of(new float[] {0.5f, -1, 0.3f, 2, 1.1f, 0.2f, -0.7f, 0.9f, -0.4f, 1.5f, 0.6f, -1.2f}, rows, in);
        Tensor w = Tensor.of(new float[] {0.2f, -0.6f, 1.3f, 0.4f, -0.8f, 0.5f, 0.1f, -1.1f}, out, in);
        Tensor b = Tensor.of(new float[] {0.3f, -0.2f}, out);
        GradCheck.check("linear with fake-quant hook", v -> {
            v[1].setFakeQuant(SQUARES);
            return Ops.linear(v[0], v[1], v[2]);
        }, a -> {
            double[] y = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double s = a[2][o];
                    for (int i = 0; i < in; i++) {
                        double xi = a[0][r * in + i];
                        double wi = a[1][o * in + i];
                        s += xi * xi * wi * wi;
                    }
                    y[r * out + o] = s;
                }
            }
            return y;
        }, x, w, b);
    }

    @Test
    void anAttachedFormWinsUnderNoGradAndTheHookRunsOtherwise() {
        Var w = Var.param(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        w.setFakeQuant(SQUARES);
        Var x = Var.constant(Tensor.of(new float[] {1, -1}, 1, 2));
        try (NoGrad ignored = NoGrad.enter()) {
            assertArrayEquals(new float[] {1 + 4, 9 + 16}, Ops.linear(x, w, null).value().toArray());
            w.setInferenceWeights(new DenseWeights(2, 2, new float[] {1, 1, 1, 1}));
            assertArrayEquals(new float[] {0, 0}, Ops.linear(x, w, null).value().toArray());
        }
        assertArrayEquals(new float[] {1 + 4, 9 + 16}, Ops.linear(x, w, null).value().toArray());
        w.setFakeQuant(null);
        assertArrayEquals(new float[] {1 - 2, 3 - 4}, Ops.linear(x, w, null).value().toArray());
    }

    @Test
    void aHookThatHandsBackTheHookedWeightIsRefusedNotLooped() {
        Var w = Var.param(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        w.setFakeQuant(new LinearFakeQuant() {
            @Override
            public Var input(Var x) {
                return x;
            }

            @Override
            public Var weight(Var v) {
                return v;
            }
        });
        assertThrows(IllegalStateException.class, () -> Ops.linear(Var.constant(Tensor.of(new float[] {1, 1}, 1, 2)), w, null));
    }

    @Test
    void onlyMatricesTakeAHook() {
        Var v = Var.param(Tensor.of(new float[] {1, 2}, 2));
        assertThrows(ShapeException.class, () -> v.setFakeQuant(SQUARES));
    }
}
