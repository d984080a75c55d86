package dev.joule.optim;

import dev.joule.tensor.Tensor;
import java.util.Map;

/**
 * Updates parameters from their gradients. Built over a model's named parameters so that
 * {@link #state()} has stable names ({@code blocks.0.attn.q.weight.exp_avg}, {@code step}) for checkpoints.
 */
public interface Optimizer {
    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Clears every parameter's gradient before the next backward pass. */
    void zeroGrad();

    float learningRate();

    void setLearningRate(float lr);

    /** Copies of the optimizer's buffers and counters by name; {@link #loadState} restores them exactly. */
    Map<String, Tensor> state();

    void loadState(Map<String, Tensor> state);
}
