package dev.joule.models;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Linear;
import dev.joule.nn.Model;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A one-hidden-layer perceptron: flatten → Linear(in, hidden) → ReLU → Linear(hidden, classes).
 * For Fashion-MNIST: 784-256-10, 203,530 parameters.
 */
public final class MlpModel extends Module implements Model {
    private final ModelConfig config;
    private final int inFeatures;
    private final Linear fc1;
    private final Linear fc2;

    public MlpModel(ModelConfig config, RandomGenerator rng) {
        this.config = config;
        this.inFeatures = config.inputDim() * Math.max(1, config.seqLen());
        this.fc1 = register("fc1", new Linear(inFeatures, config.hidden(), true, rng));
        this.fc2 = register("fc2", new Linear(config.hidden(), config.numClasses(), true, rng));
    }

    /** {@code input [B, ...]} with {@code in} values per sample (e.g. {@code [B, 28, 28]}) → logits {@code [B, classes]}. */
    @Override
    public Var forward(Tensor input) {
        return forward(Var.constant(input));
    }

    @Override
    public Var forward(Var x) {
        int batch = x.shape()[0];
        if (x.value().size() != batch * inFeatures) {
            throw new IllegalArgumentException("mlp expects " + inFeatures + " values per sample, got input of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        Var flat = Ops.reshape(x, batch, inFeatures);
        return fc2.forward(Ops.relu(fc1.forward(flat)));
    }

    /** {@code in·hidden + hidden·classes} (biases and ReLU are not multiply-accumulates). */
    @Override
    public long macsPerInference() {
        return (long) inFeatures * config.hidden() + (long) config.hidden() * config.numClasses();
    }

    public ModelConfig config() {
        return config;
    }
}
