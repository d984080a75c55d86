package dev.joule.models;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Activation;
import dev.joule.nn.Conv2d;
import dev.joule.nn.Linear;
import dev.joule.nn.MaxPool2d;
import dev.joule.nn.Model;
import dev.joule.nn.Module;
import dev.joule.nn.Sequential;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A small convolutional classifier for 28×28 grey images (20,490 parameters):
 *
 * <pre>
 *   x [B, 28, 28] → [B, 1, 28, 28] → Conv 3×3, 16, pad 1 → ReLU → MaxPool 2 → [B, 16, 14, 14]
 *                 → Conv 3×3, 32, pad 1 → ReLU → MaxPool 2 → [B, 32, 7, 7] → flatten 1568 → Linear(1568, 10)
 * </pre>
 */
public final class CnnModel extends Module implements Model {
    private static final int C1 = 16;
    private static final int C2 = 32;

    private final ModelConfig config;
    private final Sequential features;
    private final Linear head;

    public CnnModel(ModelConfig config, RandomGenerator rng) {
        if (config.inputDim() % 4 != 0 || config.seqLen() % 4 != 0) {
            throw new IllegalArgumentException("cnn needs image sides divisible by 4 (two 2×2 pools), got "
                    + config.seqLen() + "×" + config.inputDim());
        }
        this.config = config;
        this.features = register("features", new Sequential(new Conv2d(1, C1, 3, 1, 1, true, rng), Activation.relu(),
                new MaxPool2d(2), new Conv2d(C1, C2, 3, 1, 1, true, rng), Activation.relu(), new MaxPool2d(2)));
        this.head = register("head", new Linear(flatFeatures(), config.numClasses(), true, rng));
    }

    private int flatFeatures() {
        return C2 * (config.seqLen() / 4) * (config.inputDim() / 4);
    }

    /** {@code input [B, H, W]} → logits {@code [B, classes]}. */
    @Override
    public Var forward(Tensor input) {
        return forward(Var.constant(input));
    }

    @Override
    public Var forward(Var x) {
        int batch = x.shape()[0];
        Var h = features.forward(Ops.reshape(x, batch, 1, config.seqLen(), config.inputDim()));
        return head.forward(Ops.reshape(h, batch, flatFeatures()));
    }

    /**
     * {@code H·W·C1·9 + (H/2)·(W/2)·C2·C1·9 + flat·classes}: each output pixel of a 3×3 convolution costs
     * in-channels · 9 MACs; pooling and ReLU are comparisons. 1.03M for Fashion-MNIST.
     */
    @Override
    public long macsPerInference() {
        long h = config.seqLen();
        long w = config.inputDim();
        return h * w * C1 * 9 + (h / 2) * (w / 2) * C2 * C1 * 9 + (long) flatFeatures() * config.numClasses();
    }
}
