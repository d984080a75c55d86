package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution over {@code x [N, C, H, W]} with square kernels: {@code weight [out, in, k, k]},
 * {@code bias [out]}, both U(−1/√(in·k²), 1/√(in·k²)) as PyTorch.
 */
public final class Conv2d extends Module {
    private final Var weight;
    private final Var bias;
    private final int stride;
    private final int padding;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias,
            RandomGenerator rng) {
        float bound = Init.fanInBound(inChannels * kernel * kernel);
        this.weight = param("weight", Init.uniform(rng, bound, outChannels, inChannels, kernel, kernel));
        this.bias = bias ? param("bias", Init.uniform(rng, bound, outChannels)) : null;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Var forward(Var x) {
        return Ops.conv2d(x, weight, bias, stride, padding);
    }
}
