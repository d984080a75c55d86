package dev.joule.models.snn;

import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Module;
import dev.joule.tensor.Tensor;
import java.util.List;

/**
 * What every spiking classifier shares besides its layers: the config and options it was built with, the choice of
 * inference kernel, and the activity measurement window of {@link SpikingModel} (reset on entering evaluation mode).
 */
abstract class SpikingNetwork extends Module implements SpikingModel {
    protected final ModelConfig config;
    protected final SpikingOptions options;
    private boolean eventDriven = true;

    SpikingNetwork(ModelConfig config, SpikingOptions options) {
        this.config = config;
        this.options = options;
    }

    /** The layers' activity counters; null only while the subclass constructor runs. */
    abstract ActivityMeter meter();

    /** {@code x [B, ...]} → logits {@code [B, classes]}. */
    @Override
    public abstract Var forward(Var x);

    @Override
    public Var forward(Tensor input) {
        return forward(Var.constant(input));
    }

    /**
     * Measured mean accumulates per sample over the current window (see {@link SpikingModel}); the analytic upper
     * bound {@link #acsUpperBoundPerInference()} while nothing has been measured.
     */
    @Override
    public long acsPerInference() {
        return meter().samples() > 0 ? meter().accumulatesPerSample() : acsUpperBoundPerInference();
    }

    @Override
    public List<LayerStats> lastStats() {
        return meter().stats();
    }

    @Override
    public void resetStats() {
        meter().reset();
    }

    @Override
    public boolean hasMeasuredActivity() {
        return meter().samples() > 0;
    }

    @Override
    public int steps() {
        return options.steps();
    }

    @Override
    public void setEventDriven(boolean eventDriven) {
        this.eventDriven = eventDriven;
    }

    /** Whether layers fed by spikes run the event-driven kernels at inference (see {@link #setEventDriven}). */
    boolean eventDriven() {
        return eventDriven;
    }

    /** Entering evaluation mode starts a new measurement window. */
    @Override
    public void setTraining(boolean training) {
        super.setTraining(training);
        if (!training && meter() != null) {
            meter().reset();
        }
    }

    public SpikingOptions options() {
        return options;
    }

    public ModelConfig config() {
        return config;
    }
}
