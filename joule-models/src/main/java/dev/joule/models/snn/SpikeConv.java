package dev.joule.models.snn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.Init;
import dev.joule.nn.Module;
import java.util.random.RandomGenerator;

/**
 * A stride-1 square convolution with "same"-style padding whose weights the event-driven kernel can read:
 * {@code weight [out, in, k, k]}, {@code bias [out]}, initialised as {@code nn.Conv2d} (U(±1/√(in·k²)), PyTorch).
 */
final class SpikeConv extends Module {
    private final Var weight;
    private final Var bias;
    private final int outChannels;
    private final int kernel;
    private final int padding;

    SpikeConv(int inChannels, int outChannels, int kernel, int padding, RandomGenerator rng) {
        float bound = Init.fanInBound(inChannels * kernel * kernel);
        this.weight = param("weight", Init.uniform(rng, bound, outChannels, inChannels, kernel, kernel));
        this.bias = param("bias", Init.uniform(rng, bound, outChannels));
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.padding = padding;
    }

    @Override
    public Var forward(Var x) {
        return Ops.conv2d(x, weight, bias, 1, padding);
    }

    Var weight() {
        return weight;
    }

    Var bias() {
        return bias;
    }

    int outChannels() {
        return outChannels;
    }

    int kernel() {
        return kernel;
    }

    int padding() {
        return padding;
    }
}
