package dev.joule.models.snn;

import dev.joule.autograd.GradMode;
import dev.joule.autograd.Var;
import dev.joule.nn.Linear;
import dev.joule.snn.SpikeKernels;
import dev.joule.tensor.Tensor;

/**
 * A layer fed by spikes, run by the event-driven kernel when gradients are off and it is enabled, else by the dense
 * layer (training needs the graph). Either way the accumulates are those of the event-driven kernel, so the
 * statistics do not depend on the path; they are only counted when asked for (evaluation).
 */
final class Synapses {
    private Synapses() {}

    /** The layer's output and its accumulates (0 when not counted). */
    record Out(Var value, long accumulates) {}

    static boolean eventPath(boolean eventDriven) {
        return eventDriven && !GradMode.isEnabled();
    }

    static Out linear(Linear layer, Var spikes, boolean eventDriven, boolean count) {
        if (eventPath(eventDriven)) {
            SpikeKernels.Result r = SpikeKernels.linear(spikes.value(), layer.weight().value(), valueOf(layer.bias()));
            return new Out(Var.constant(r.output()), r.accumulates());
        }
        Var y = layer.forward(spikes);
        return new Out(y, count ? SpikeKernels.linearAccumulates(spikes.value(), layer.outFeatures()) : 0);
    }

    static Out conv(SpikeConv layer, Var spikes, boolean eventDriven, boolean count) {
        if (eventPath(eventDriven)) {
            SpikeKernels.Result r = SpikeKernels.conv2d(spikes.value(), layer.weight().value(), valueOf(layer.bias()),
                    layer.padding());
            return new Out(Var.constant(r.output()), r.accumulates());
        }
        Var y = layer.forward(spikes);
        return new Out(y, count ? SpikeKernels.conv2dAccumulates(spikes.value(), layer.outChannels(),
                layer.kernel(), layer.padding()) : 0);
    }

    private static Tensor valueOf(Var v) {
        return v == null ? null : v.value();
    }
}
