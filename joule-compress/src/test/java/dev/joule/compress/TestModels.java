package dev.joule.compress;

import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Small fixtures shared by the compression tests: zoo models for fashion-mnist and random image batches. */
public final class TestModels {
    private TestModels() {}

    public static Model fashion(String arch, long seed) {
        Model m = ModelRegistry.create(ModelConfig.fashionMnist(arch), seed);
        m.setTraining(false);
        return m;
    }

    /** {@code batch} random "images" [batch, 28, 28] in [0, 1). */
    public static Tensor images(int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[batch * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return Tensor.of(x, batch, 28, 28);
    }

    public static float[] forwardNoGrad(Model m, Tensor x) {
        try (NoGrad ignored = NoGrad.enter()) {
            return m.forward(x).value().toArray();
        }
    }

    /**
     * Asserts that two models compute bit-identical outputs on {@code x} in the same JIT state. The
     * engine's vector code is not bit-stable while the JIT warms up (a float {@code reduceLanes(ADD)}
     * sums in another order interpreted than compiled: one model run repeatedly changes in the last bit
     * for the first few dozen calls), so the two models are run alternately until a pair agrees, at
     * most 200 times; models with different weights or forms never agree.
     */
    public static void assertSameOutputs(Model expected, Model actual, Tensor x) {
        float[] a = null;
        float[] b = null;
        for (int i = 0; i < 200; i++) {
            a = forwardNoGrad(expected, x);
            b = forwardNoGrad(actual, x);
            if (Arrays.equals(a, b)) {
                return;
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, "outputs of the two models differ");
    }

    /** Asserts outputs equal to float rounding ({@code 1e-5} relative): for one model run at two JIT states. */
    public static void assertCloseOutputs(float[] expected, float[] actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])),
                    "output " + i);
        }
    }

    /** Zeroes the {@code fraction} smallest |w| of every listed weight (per layer magnitude pruning). */
    public static void prune(Iterable<LinearLayer> layers, double fraction) {
        for (LinearLayer l : layers) {
            Var w = l.weight();
            float[] v = w.value().toArray();
            float[] abs = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                abs[i] = Math.abs(v[i]);
            }
            Arrays.sort(abs);
            int k = (int) Math.round(fraction * v.length);
            float thr = k == 0 ? -1f : abs[k - 1];
            int zeroed = 0;
            for (int i = 0; i < v.length && zeroed < k; i++) {
                if (Math.abs(v[i]) <= thr) {
                    v[i] = 0f;
                    zeroed++;
                }
            }
            w.value().copyFrom(Tensor.of(v, w.shape()));
        }
    }
}
