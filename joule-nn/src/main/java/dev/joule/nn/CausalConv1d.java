package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import java.util.random.RandomGenerator;

/**
 * Depthwise causal convolution along time (Mamba's short conv): {@code x [B, L, C]}, {@code weight [C, K]},
 * output {@code [B, L, C]} where step t sees steps t−K+1..t only. Init as PyTorch's
 * {@code Conv1d(C, C, K, groups=C)}: U(−1/√K, 1/√K).
 */
public final class CausalConv1d extends Module {
    private final Var weight;
    private final Var bias;

    public CausalConv1d(int channels, int kernel, boolean bias, RandomGenerator rng) {
        float bound = Init.fanInBound(kernel);
        this.weight = param("weight", Init.uniform(rng, bound, channels, kernel));
        this.bias = bias ? param("bias", Init.uniform(rng, bound, channels)) : null;
    }

    @Override
    public Var forward(Var x) {
        return Ops.conv1dCausal(x, weight, bias);
    }
}
