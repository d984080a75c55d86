package dev.joule.models.snn;

import dev.joule.autograd.LifOps;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Linear;
import dev.joule.snn.SpikeEncoding;
import dev.joule.snn.SpikeKernels;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Fully connected spiking classifier ({@code snn}) over T time steps:
 *
 * <pre>
 *   x [B, 28, 28] → flatten 784 → fc1 (784 → hidden) → LIF  → spikes S [T, B, hidden]
 *                 → readout (hidden → classes) per step → mean over the T steps → logits [B, classes]
 * </pre>
 *
 * The read-out neurons integrate without leak, threshold or reset (a membrane-potential read-out); the logits are
 * their mean membrane over the steps and train with the ordinary cross-entropy (snnTorch tutorial 5 uses the summed
 * membrane the same way). Under direct encoding fc1 sees the same image every step, so its product is computed once
 * and repeated. {@code hidden} is {@code config.hidden()} (256 when 0). 203,530 parameters at hidden 256.
 *
 * <p>Counting per sample: fc1 costs {@code 784·hidden} MACs (direct; accumulates of the input spikes under rate
 * encoding); the read-out costs {@code spikes × classes} accumulates; each LIF neuron one MAC per step.
 */
public final class SnnModel extends SpikingNetwork {
    /** Hidden width when the config leaves {@code hidden} at 0. */
    public static final int DEFAULT_HIDDEN = 256;

    private final int inFeatures;
    private final int hidden;
    private final Linear fc1;
    private final Linear readout;
    private final SplittableRandom encoderRng;
    private final ActivityMeter meter;

    public SnnModel(ModelConfig config, RandomGenerator rng) {
        this(config, SpikingOptions.fcDefaults(), rng);
    }

    public SnnModel(ModelConfig config, SpikingOptions options, RandomGenerator rng) {
        super(config, options);
        this.inFeatures = config.inputDim() * Math.max(1, config.seqLen());
        this.hidden = config.hidden() > 0 ? config.hidden() : DEFAULT_HIDDEN;
        this.fc1 = register("fc1", new Linear(inFeatures, hidden, true, rng));
        this.readout = register("readout", new Linear(hidden, config.numClasses(), true, rng));
        this.encoderRng = new SplittableRandom(rng.nextLong());
        this.meter = new ActivityMeter(options.steps(), new String[] {"lif1", "readout"},
                new long[] {hidden, config.numClasses()});
    }

    /** {@code x [B, ...]} with 784 values per sample (e.g. {@code [B, 28, 28]}) → logits {@code [B, classes]}. */
    @Override
    public Var forward(Var x) {
        int batch = x.shape()[0];
        if (x.value().size() != batch * inFeatures) {
            throw new IllegalArgumentException("snn expects " + inFeatures + " values per sample, got input of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        int steps = options.steps();
        boolean count = !isTraining();
        Var flat = Ops.reshape(x, batch, inFeatures);
        Var spikes;
        long inAcs = 0;
        if (options.encoding() == SpikeEncoding.DIRECT) {
            spikes = LifOps.lifRepeated(fc1.forward(flat), steps, options.lif());
        } else {
            Var in = Var.constant(SpikeEncoding.rate(flat.value(), steps, encoderRng));
            Synapses.Out i1 = Synapses.linear(fc1, in, eventDriven(), count);
            inAcs = i1.accumulates();
            spikes = LifOps.lif(i1.value(), options.lif());
        }
        Synapses.Out out = Synapses.linear(readout, spikes, eventDriven(), count);
        if (count) {
            long direct = options.encoding() == SpikeEncoding.DIRECT ? (long) batch * inFeatures * hidden : 0;
            meter.add(0, SpikeKernels.countNonZero(spikes.value()), inAcs, direct + (long) batch * steps * hidden);
            meter.add(1, 0, out.accumulates(), 0);
            meter.addSamples(batch);
        }
        return Ops.mean(out.value(), 0, false);
    }

    /** Direct: {@code 784·hidden + T·hidden} (first layer once, one membrane update per neuron and step); rate: {@code T·hidden}. */
    @Override
    public long macsPerInference() {
        long updates = (long) options.steps() * hidden;
        return options.encoding() == SpikeEncoding.DIRECT ? (long) inFeatures * hidden + updates : updates;
    }

    /** {@code T·hidden·classes} (+ {@code T·784·hidden} under rate encoding). */
    @Override
    public long acsUpperBoundPerInference() {
        long t = options.steps();
        long readoutAcs = t * hidden * config.numClasses();
        return options.encoding() == SpikeEncoding.RATE ? readoutAcs + t * inFeatures * hidden : readoutAcs;
    }

    @Override
    ActivityMeter meter() {
        return meter;
    }
}
