package dev.joule.models.snn;

import dev.joule.autograd.LifOps;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Linear;
import dev.joule.nn.Module;
import dev.joule.snn.SpikeEncoding;
import dev.joule.snn.SpikeKernels;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Convolutional spiking classifier ({@code csnn}), the {@code cnn} topology with LIF neurons, over T steps:
 *
 * <pre>
 *   x [B, 28, 28] → conv1 3×3 (1 → C1, pad 1) → LIF → max-pool 2 → [T·B, C1, 14, 14] spikes
 *                 → conv2 3×3 (C1 → C2, pad 1) → LIF → max-pool 2 → [T·B, C2, 7, 7] spikes
 *                 → readout (C2·7·7 → classes) per step → mean over the T steps → logits [B, classes]
 * </pre>
 *
 * Max-pooling binary spikes gives binary spikes (an OR), so conv2 and the read-out are fed by spikes and run
 * event-driven at inference. The read-out integrates without leak, threshold or reset; its mean membrane is the
 * logit (cross-entropy). Under direct encoding conv1 sees the same image every step: computed once, repeated.
 * With C1 = 16, C2 = 32: 20,490 parameters, as {@code cnn}.
 *
 * <p>Layers fed by spikes count, per sample, fired inputs × in-range fan-out accumulates; conv1 (direct) costs
 * {@code 28·28·C1·9} MACs; each LIF neuron one MAC per step. A layer's spike count is that of its LIF neurons
 * (before pooling); the next layer's accumulates come from the pooled spikes.
 */
public final class CsnnModel extends Module implements SpikingModel {
    public static final int C1 = 16;
    public static final int C2 = 32;
    private static final int K = 3;

    private final ModelConfig config;
    private final SpikingOptions options;
    private final int height;
    private final int width;
    private final SpikeConv conv1;
    private final SpikeConv conv2;
    private final Linear readout;
    private final SplittableRandom encoderRng;
    private final ActivityMeter meter;
    private boolean eventDriven = true;

    public CsnnModel(ModelConfig config, RandomGenerator rng) {
        this(config, SpikingOptions.convDefaults(), rng);
    }

    public CsnnModel(ModelConfig config, SpikingOptions options, RandomGenerator rng) {
        if (config.inputDim() % 4 != 0 || config.seqLen() % 4 != 0) {
            throw new IllegalArgumentException("csnn needs image sides divisible by 4 (two 2×2 pools), got "
                    + config.seqLen() + "×" + config.inputDim());
        }
        this.config = config;
        this.options = options;
        this.height = config.seqLen();
        this.width = config.inputDim();
        this.conv1 = register("conv1", new SpikeConv(1, C1, K, 1, rng));
        this.conv2 = register("conv2", new SpikeConv(C1, C2, K, 1, rng));
        this.readout = register("readout", new Linear(flatFeatures(), config.numClasses(), true, rng));
        this.encoderRng = new SplittableRandom(rng.nextLong());
        this.meter = new ActivityMeter(options.steps(), new String[] {"lif1", "lif2", "readout"},
                new long[] {(long) C1 * height * width, (long) C2 * (height / 2) * (width / 2), config.numClasses()});
    }

    private int flatFeatures() {
        return C2 * (height / 4) * (width / 4);
    }

    @Override
    public Var forward(Tensor input) {
        return forward(Var.constant(input));
    }

    /** {@code x [B, H, W]} → logits {@code [B, classes]}. */
    @Override
    public Var forward(Var x) {
        int batch = x.shape()[0];
        int steps = options.steps();
        int tb = steps * batch;
        boolean count = !isTraining();
        Var image = Ops.reshape(x, batch, 1, height, width);
        Var s1;
        long inAcs = 0;
        if (options.encoding() == SpikeEncoding.DIRECT) {
            s1 = LifOps.lifRepeated(conv1.forward(image), steps, options.lif());
        } else {
            Tensor enc = SpikeEncoding.rate(image.value(), steps, encoderRng).reshape(tb, 1, height, width);
            Synapses.Out c1 = Synapses.conv(conv1, Var.constant(enc), eventDriven, count);
            inAcs = c1.accumulates();
            s1 = LifOps.lif(Ops.reshape(c1.value(), steps, batch, C1, height, width), options.lif());
        }
        Var p1 = Ops.maxPool2d(Ops.reshape(s1, tb, C1, height, width), 2, 2);
        Synapses.Out c2 = Synapses.conv(conv2, p1, eventDriven, count);
        Var s2 = LifOps.lif(Ops.reshape(c2.value(), steps, batch, C2, height / 2, width / 2), options.lif());
        Var p2 = Ops.maxPool2d(Ops.reshape(s2, tb, C2, height / 2, width / 2), 2, 2);
        Synapses.Out out = Synapses.linear(readout, Ops.reshape(p2, steps, batch, flatFeatures()), eventDriven, count);
        if (count) {
            long direct = options.encoding() == SpikeEncoding.DIRECT ? (long) batch * height * width * C1 * K * K : 0;
            meter.add(0, SpikeKernels.countNonZero(s1.value()), inAcs, direct + (long) tb * C1 * height * width);
            meter.add(1, SpikeKernels.countNonZero(s2.value()), c2.accumulates(),
                    (long) tb * C2 * (height / 2) * (width / 2));
            meter.add(2, 0, out.accumulates(), 0);
            meter.addSamples(batch);
        }
        return Ops.mean(out.value(), 0, false);
    }

    /** Direct: {@code H·W·C1·9} (conv1 once) {@code + T·(C1·H·W + C2·H/2·W/2)} membrane updates; rate: the updates only. */
    @Override
    public long macsPerInference() {
        long updates = (long) options.steps() * ((long) C1 * height * width + (long) C2 * (height / 2) * (width / 2));
        long direct = options.encoding() == SpikeEncoding.DIRECT ? (long) height * width * C1 * K * K : 0;
        return direct + updates;
    }

    /**
     * Measured mean accumulates per sample over the current window (see {@link SpikingModel}); the analytic upper
     * bound {@link #acsUpperBoundPerInference()} while nothing has been measured.
     */
    @Override
    public long acsPerInference() {
        return meter.samples() > 0 ? meter.accumulatesPerSample() : acsUpperBoundPerInference();
    }

    /** {@code T·(H/2·W/2·C2·C1·9 + C2·H/4·W/4·classes)} (+ {@code T·H·W·C1·9} under rate encoding); padding taps included. */
    @Override
    public long acsUpperBoundPerInference() {
        long t = options.steps();
        long conv2Acs = (long) (height / 2) * (width / 2) * C2 * C1 * K * K;
        long readoutAcs = (long) flatFeatures() * config.numClasses();
        long conv1Acs = options.encoding() == SpikeEncoding.RATE ? (long) height * width * C1 * K * K : 0;
        return t * (conv1Acs + conv2Acs + readoutAcs);
    }

    @Override
    public List<LayerStats> lastStats() {
        return meter.stats();
    }

    @Override
    public void resetStats() {
        meter.reset();
    }

    @Override
    public boolean hasMeasuredActivity() {
        return meter.samples() > 0;
    }

    @Override
    public int steps() {
        return options.steps();
    }

    @Override
    public void setEventDriven(boolean eventDriven) {
        this.eventDriven = eventDriven;
    }

    /** Entering evaluation mode starts a new measurement window. */
    @Override
    public void setTraining(boolean training) {
        super.setTraining(training);
        if (!training && meter != null) {
            meter.reset();
        }
    }

    public SpikingOptions options() {
        return options;
    }
}
