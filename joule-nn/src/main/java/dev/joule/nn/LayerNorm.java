package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;

/** Layer normalisation over the last axis with a learned scale (ones) and shift (zeros); eps 1e-5 as PyTorch. */
public final class LayerNorm extends Module {
    private final Var weight;
    private final Var bias;
    private final float eps;

    public LayerNorm(int dim) {
        this(dim, 1e-5f);
    }

    public LayerNorm(int dim, float eps) {
        this.weight = param("weight", Tensor.full(1f, dim));
        this.bias = param("bias", Tensor.zeros(dim));
        this.eps = eps;
    }

    @Override
    public Var forward(Var x) {
        return Ops.layerNorm(x, weight, bias, eps);
    }
}
