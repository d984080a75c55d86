package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * {@code y = x · Wᵀ + b} over the last axis, PyTorch layout: {@code weight [out, in]}, {@code bias [out]}.
 * Default initialisation as PyTorch: both drawn from U(−1/√in, 1/√in).
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Var weight;
    private final Var bias;

    public Linear(int in, int out, boolean bias, RandomGenerator rng) {
        this(in, out, Init.uniform(rng, Init.fanInBound(in), out, in),
                bias ? Init.uniform(rng, Init.fanInBound(in), out) : null);
    }

    /** Weights from N(0, std²) and a zero bias (GPT-2 / nanoGPT initialisation). */
    public static Linear normal(int in, int out, boolean bias, float std, RandomGenerator rng) {
        return new Linear(in, out, Init.normal(rng, std, out, in), bias ? Tensor.zeros(out) : null);
    }

    /** A Linear with the given initial {@code weight [out, in]} and {@code bias [out]} (null for none); both are kept, not copied. */
    public static Linear of(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0)))) {
            throw new IllegalArgumentException("Linear needs weight [out, in] and bias [out], got "
                    + java.util.Arrays.toString(weight.shape()) + " and "
                    + (bias == null ? "none" : java.util.Arrays.toString(bias.shape())));
        }
        return new Linear(weight.dim(1), weight.dim(0), weight, bias);
    }

    private Linear(int in, int out, Tensor weightInit, Tensor biasInit) {
        this.inFeatures = in;
        this.outFeatures = out;
        this.weight = param("weight", weightInit);
        this.bias = biasInit == null ? null : param("bias", biasInit);
    }

    @Override
    public Var forward(Var x) {
        return Ops.linear(x, weight, bias);
    }

    public Var weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Var bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }
}
