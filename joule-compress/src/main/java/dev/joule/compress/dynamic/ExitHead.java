package dev.joule.compress.dynamic;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.nn.LayerNorm;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;

/**
 * An internal classifier after one block, shaped like the backbone's own head:
 * {@code h [B, T, d]} → LayerNorm(d) → mean over T → Linear(d, classes) → logits {@code [B, classes]}.
 * It starts as a copy of the final norm and head, which already map token states to classes, so a few
 * hundred steps adapt it to the earlier block's states instead of learning from scratch.
 */
public final class ExitHead extends Module {
    private final LayerNorm norm;
    private final Linear linear;

    ExitHead(int dModel, Tensor normWeight, Tensor normBias, Tensor headWeight, Tensor headBias) {
        this.norm = register("norm", new LayerNorm(dModel));
        this.linear = register("linear", Linear.of(headWeight.copy(), headBias.copy()));
        norm.namedParameters().get("weight").value().copyFrom(normWeight);
        norm.namedParameters().get("bias").value().copyFrom(normBias);
    }

    @Override
    public Var forward(Var h) {
        return linear.forward(Ops.mean(norm.forward(h), 1, false));
    }

    /** Multiply-accumulates per input row: the linear's {@code d·classes} (the norm and mean are other flops). */
    long macsPerRow() {
        return (long) linear.inFeatures() * linear.outFeatures();
    }
}
