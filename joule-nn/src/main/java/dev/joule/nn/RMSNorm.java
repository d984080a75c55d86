package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;

/** {@code x / sqrt(mean(x²) + eps) · weight} over the last axis; weight starts at ones. */
public final class RMSNorm extends Module {
    private final Var weight;
    private final float eps;

    /** eps 1e-6, the usual choice for f32 (PyTorch's default is the dtype's machine epsilon). */
    public RMSNorm(int dim) {
        this(dim, 1e-6f);
    }

    public RMSNorm(int dim, float eps) {
        this.weight = param("weight", Tensor.full(1f, dim));
        this.eps = eps;
    }

    @Override
    public Var forward(Var x) {
        return Ops.rmsNorm(x, weight, eps);
    }
}
