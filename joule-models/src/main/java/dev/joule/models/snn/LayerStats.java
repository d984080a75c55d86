package dev.joule.models.snn;

/**
 * Measured activity of one layer of spiking (or read-out) neurons and of the synapses that feed it, summed over every
 * sample a {@link SpikingModel} evaluated in its current measurement window.
 *
 * @param layer        the layer's name (e.g. {@code lif1}, {@code readout})
 * @param neurons      neurons per sample (per time step)
 * @param steps        time steps per sample
 * @param samples      samples measured
 * @param spikes       spikes the layer's neurons emitted, all samples and steps (0 for a non-spiking read-out)
 * @param accumulates  synaptic accumulate-only operations into this layer: fired inputs × their fan-out (in-range
 *                     taps × output channels for a convolution), all samples and steps
 * @param macs         multiply-accumulates into this layer: the synaptic product of an analog input (direct encoding,
 *                     computed once per sample) plus one per neuron per step for the membrane update {@code β·U + I}
 */
public record LayerStats(String layer, long neurons, int steps, long samples, long spikes, long accumulates,
        long macs) {

    /** Fraction of neuron-steps that spiked, in [0, 1]; 0 when nothing was measured. */
    public double firingRate() {
        double slots = (double) neurons * steps * samples;
        return slots == 0 ? 0 : spikes / slots;
    }

    public double spikesPerInference() {
        return samples == 0 ? 0 : (double) spikes / samples;
    }

    public double accumulatesPerInference() {
        return samples == 0 ? 0 : (double) accumulates / samples;
    }

    public double macsPerInference() {
        return samples == 0 ? 0 : (double) macs / samples;
    }
}
