package dev.joule.models.snn;

import dev.joule.nn.Model;
import java.util.List;

/**
 * A spiking network: besides the {@link Model} figures it measures its own activity.
 *
 * <p>Measurement window: the statistics sum every forward pass made in evaluation mode
 * ({@code setTraining(false)}) since the model last entered evaluation mode (or since {@link #resetStats()}); training
 * passes are not counted. {@code Evaluator.evaluate} switches to evaluation mode first, so after evaluating the test
 * set, {@link #lastStats()} and {@link Model#acsPerInference()} describe exactly that set.
 *
 * <p>{@link Model#acsPerInference()} is activity-dependent: it returns the <em>measured</em> mean accumulates per
 * sample over the window, and, only while nothing has been measured yet, the analytic upper bound
 * {@link #acsUpperBoundPerInference()} (every neuron spiking at every step). {@link #hasMeasuredActivity()} tells which.
 * {@link Model#macsPerInference()} is analytic and activity-independent.
 */
public interface SpikingModel extends Model {

    /** Per-layer totals over the current measurement window, input side first; empty samples when nothing was measured. */
    List<LayerStats> lastStats();

    /** Starts a new measurement window. */
    void resetStats();

    /** True when at least one sample has been measured in the current window. */
    boolean hasMeasuredActivity();

    /** Accumulates per sample if every spiking neuron fired at every step (inputs too, under rate encoding). */
    long acsUpperBoundPerInference();

    /** Time steps per inference. */
    int steps();

    /**
     * Chooses the inference kernel of the layers fed by spikes when gradients are off: event-driven (default; adds
     * the weights of the inputs that fired) or the dense matmul/convolution. Training always uses the dense layers.
     */
    void setEventDriven(boolean eventDriven);
}
