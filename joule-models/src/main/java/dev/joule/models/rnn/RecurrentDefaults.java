package dev.joule.models.rnn;

import dev.joule.models.ModelConfig;

/**
 * Default shapes of the recurrent family. {@link ModelConfig#defaults} leaves {@code hidden = 0} for every
 * model but the MLP, so a config whose {@code hidden} is unset gets these (width and depth together);
 * an explicit {@code hidden} keeps the config's {@code layers}.
 *
 * <ul>
 *   <li>fashion-mnist: hidden 128; 1 layer for lstm/gru (82,186 / 61,962 parameters, the PyTorch row-RNN
 *       references), 2 layers for mingru/minlstm after an input projection (minGRU 71,050 parameters): one
 *       minGRU layer is linear in its state and too weak on its own.</li>
 *   <li>token tasks: hidden 256, 2 layers.</li>
 * </ul>
 */
public final class RecurrentDefaults {
    private RecurrentDefaults() {}

    public static ModelConfig resolve(ModelConfig c) {
        if (c.hidden() > 0) {
            return c;
        }
        boolean images = ModelConfig.FASHION_MNIST.equals(c.task());
        int hidden = images ? 128 : 256;
        int layers = images && !c.architecture().startsWith("min") ? 1 : 2;
        return new ModelConfig(c.architecture(), c.task(), c.inputDim(), c.seqLen(), c.vocabSize(), c.numClasses(),
                c.dModel(), c.heads(), layers, c.ffDim(), hidden, c.dropout());
    }
}
