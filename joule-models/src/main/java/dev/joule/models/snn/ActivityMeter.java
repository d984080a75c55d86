package dev.joule.models.snn;

import java.util.ArrayList;
import java.util.List;

/** Running per-layer totals for {@link SpikingModel#lastStats()}. */
final class ActivityMeter {
    private final String[] names;
    private final long[] neurons;
    private final int steps;
    private final long[] spikes;
    private final long[] accumulates;
    private final long[] macs;
    private long samples;

    ActivityMeter(int steps, String[] names, long[] neurons) {
        this.steps = steps;
        this.names = names.clone();
        this.neurons = neurons.clone();
        this.spikes = new long[names.length];
        this.accumulates = new long[names.length];
        this.macs = new long[names.length];
    }

    void add(int layer, long layerSpikes, long layerAccumulates, long layerMacs) {
        spikes[layer] += layerSpikes;
        accumulates[layer] += layerAccumulates;
        macs[layer] += layerMacs;
    }

    void addSamples(long n) {
        samples += n;
    }

    void reset() {
        java.util.Arrays.fill(spikes, 0);
        java.util.Arrays.fill(accumulates, 0);
        java.util.Arrays.fill(macs, 0);
        samples = 0;
    }

    long samples() {
        return samples;
    }

    /** Mean accumulates per sample over all layers, rounded. */
    long accumulatesPerSample() {
        long total = 0;
        for (long a : accumulates) {
            total += a;
        }
        return samples == 0 ? 0 : Math.round((double) total / samples);
    }

    List<LayerStats> stats() {
        List<LayerStats> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            out.add(new LayerStats(names[i], neurons[i], steps, samples, spikes[i], accumulates[i], macs[i]));
        }
        return List.copyOf(out);
    }
}
