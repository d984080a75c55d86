package dev.joule.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelsTest {

    private static Tensor images(int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] d = new float[batch * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextDouble();
        }
        return Tensor.of(d, batch, 28, 28);
    }

    @Test
    void mlpHasTheFashionMnistShapeAndCount() {
        Model m = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), 1);
        assertEquals(784 * 256 + 256 + 256 * 10 + 10, m.parameterCount());
        assertEquals(203_530, m.parameterCount());
        assertEquals(784 * 256 + 256 * 10, m.macsPerInference());
        assertArrayEquals(new int[] {3, 10}, m.forward(images(3, 1)).shape());
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), List.copyOf(m.namedParameters().keySet()));
    }

    @Test
    void transformerClassifierHasTheExpectedCount() {
        Model m = ModelRegistry.create(ModelConfig.fashionMnist("transformer"), 1);
        int d = 64;
        int ff = 128;
        long embed = 28 * d + d;
        long pos = 28 * d;
        long block = 2 * d + 4 * (d * d + d) + 2 * d + (d * ff + ff) + (ff * d + d);
        long head = 2 * d + d * 10 + 10;
        assertEquals(embed + pos + 2 * block + head, m.parameterCount());
        assertEquals(71_370, m.parameterCount());
        assertArrayEquals(new int[] {2, 10}, m.forward(images(2, 2)).shape());
        long t = 28;
        assertEquals(t * 28 * d + 2 * (4 * t * d * d + 2 * t * t * d + 2 * t * d * ff) + d * 10, m.macsPerInference());
    }

    @Test
    void charTransformerHasTheExpectedCountAndShape() {
        ModelConfig cfg = ModelConfig.charLm("transformer", 65, 128);
        Model m = ModelRegistry.create(cfg, 1);
        long d = 128;
        long ff = 512;
        long block = 2 * d + 4 * (d * d + d) + 2 * d + (d * ff + ff) + (ff * d + d);
        assertEquals(65 * d + 128 * d + 4 * block + 2 * d + d * 65 + 65, m.parameterCount());
        Tensor ids = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        try (NoGrad g = NoGrad.enter()) {
            assertArrayEquals(new int[] {2, 3, 65}, m.forward(ids).shape());
        }
        assertEquals(128L * (4 * (4 * d * d + 2 * d * ff) + d * 65) + 4L * 128 * 129 * d, m.macsPerInference());
    }

    @Test
    void cnnHasTheReferenceCountAndShape() {
        Model m = ModelRegistry.create(ModelConfig.fashionMnist("cnn"), 1);
        assertEquals((16 * 9 + 16) + (32 * 16 * 9 + 32) + (1568 * 10 + 10), m.parameterCount());
        assertEquals(20_490, m.parameterCount());
        assertEquals(28 * 28 * 16 * 9 + 14 * 14 * 32 * 16 * 9 + 1568 * 10, m.macsPerInference());
        assertArrayEquals(new int[] {2, 10}, m.forward(images(2, 3)).shape());
    }

    @Test
    void sameSeedSameWeights() {
        ModelConfig cfg = ModelConfig.fashionMnist("transformer");
        var a = ModelRegistry.create(cfg, 42).namedParameters();
        var b = ModelRegistry.create(cfg, 42).namedParameters();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).value().toArray(), b.get(name).value().toArray(), name);
        }
    }

    @Test
    void unknownModelListsTheKnownOnes() {
        ModelConfig cfg = ModelConfig.defaults("xyz", "fashion-mnist", 28, 28, 0, 10);
        UnknownModelException e = assertThrows(UnknownModelException.class, () -> ModelRegistry.create(cfg, 1));
        assertEquals("unknown model 'xyz'; known models: " + String.join(", ", ModelRegistry.names()), e.getMessage());
        assertTrue(ModelRegistry.names().contains("mlp"));
    }

    @Test
    void mlpRejectsTokenTasks() {
        assertThrows(UnknownModelException.class, () -> ModelRegistry.create(ModelConfig.charLm("mlp", 65, 64), 1));
    }
}
