package dev.joule.nn;

import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.Map;

/**
 * A whole network as the trainer sees it: a tensor in, a differentiable output, named parameters.
 *
 * <p>Parameter names are dotted paths in registration order ({@code blocks.0.attn.q.weight}); they are
 * the keys of checkpoints and of optimizer state, so they must not change between runs.
 */
public interface Model {
    Var forward(Tensor input);

    Map<String, Var> namedParameters();

    void setTraining(boolean training);

    /** Trainable scalars across all parameters. */
    default long parameterCount() {
        long n = 0;
        for (Var p : namedParameters().values()) {
            n += p.value().size();
        }
        return n;
    }

    /**
     * Multiply-accumulates of one forward pass for one input sample, computed analytically from the
     * configuration (each model documents its formula); -1 when a model does not know.
     */
    default long macsPerInference() {
        return -1;
    }

    /**
     * Accumulate-only operations (no multiply) of one forward pass for one input sample: the synaptic
     * operations of a spiking network, where a spike adds a weight row. 0 for models that only multiply.
     */
    default long acsPerInference() {
        return 0;
    }
}
