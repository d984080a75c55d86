package dev.joule.models.snn;

import dev.joule.autograd.LifOps;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.nn.Linear;
import dev.joule.snn.SpikeEncoding;
import dev.joule.snn.SpikeKernels;
import dev.joule.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Convolutional spiking classifier ({@code csnn}), the {@code cnn} topology with LIF neurons, over T steps:
 *
 * <pre>
 *   x [B, 28, 28] → conv1 3×3 (1 → C1, pad 1) → max-pool 2 → LIF → [T·B, C1, 14, 14] spikes
 *                 → conv2 3×3 (C1 → C2, pad 1) → max-pool 2 → LIF → [T·B, C2, 7, 7] spikes
 *                 → readout (C2·7·7 → classes) per step → mean over the T steps → logits [B, classes]
 * </pre>
 *
 * Pooling comes before the neurons (snnTorch's CSNN tutorial order: the currents are pooled, then integrated), which
 * gives each LIF layer a quarter of the neurons of conv-LIF-pool and, under direct encoding, pools conv1 once
 * instead of at every step; conv2 and the read-out are fed by spikes and run event-driven at inference. The
 * read-out integrates without leak, threshold or reset; its mean membrane is the logit (cross-entropy). Under
 * direct encoding conv1 sees the same image every step: computed once, repeated. C1 = 8, C2 = 16 (9,098
 * parameters): at 16/32 the T-fold conv2 made training several times slower than {@code cnn} for the
 * compare budget.
 *
 * <p>Layers fed by spikes count, per sample, fired inputs × in-range fan-out accumulates; conv1 (direct) costs
 * {@code 28·28·C1·9} MACs; each LIF neuron one MAC per step.
 */
public final class CsnnModel extends SpikingNetwork {
    public static final int C1 = 8;
    public static final int C2 = 16;
    private static final int K = 3;

    private final int height;
    private final int width;
    private final SpikeConv conv1;
    private final SpikeConv conv2;
    private final Linear readout;
    private final SplittableRandom encoderRng;
    private final ActivityMeter meter;

    public CsnnModel(ModelConfig config, RandomGenerator rng) {
        this(config, SpikingOptions.convDefaults(), rng);
    }

    public CsnnModel(ModelConfig config, SpikingOptions options, RandomGenerator rng) {
        super(checkSides(config), options);
        this.height = config.seqLen();
        this.width = config.inputDim();
        this.conv1 = register("conv1", new SpikeConv(1, C1, K, 1, rng));
        this.conv2 = register("conv2", new SpikeConv(C1, C2, K, 1, rng));
        this.readout = register("readout", new Linear(flatFeatures(), config.numClasses(), true, rng));
        this.encoderRng = new SplittableRandom(rng.nextLong());
        this.meter = new ActivityMeter(options.steps(), new String[] {"lif1", "lif2", "readout"},
                new long[] {neurons1(), neurons2(), config.numClasses()});
    }

    private static ModelConfig checkSides(ModelConfig config) {
        if (config.inputDim() % 4 != 0 || config.seqLen() % 4 != 0) {
            throw new IllegalArgumentException("csnn needs image sides divisible by 4 (two 2×2 pools), got "
                    + config.seqLen() + "×" + config.inputDim());
        }
        return config;
    }

    private long neurons1() {
        return (long) C1 * (height / 2) * (width / 2);
    }

    private long neurons2() {
        return (long) C2 * (height / 4) * (width / 4);
    }

    private int flatFeatures() {
        return C2 * (height / 4) * (width / 4);
    }

    /** {@code x [B, H, W]} → logits {@code [B, classes]}. */
    @Override
    public Var forward(Var x) {
        int batch = x.shape()[0];
        int steps = options.steps();
        int tb = steps * batch;
        boolean count = !isTraining();
        Var image = Ops.reshape(x, batch, 1, height, width);
        int h2 = height / 2;
        int w2 = width / 2;
        Var s1;
        long inAcs = 0;
        if (options.encoding() == SpikeEncoding.DIRECT) {
            s1 = LifOps.lifRepeated(Ops.maxPool2d(conv1.forward(image), 2, 2), steps, options.lif());
        } else {
            Tensor enc = SpikeEncoding.rate(image.value(), steps, encoderRng).reshape(tb, 1, height, width);
            Synapses.Out c1 = Synapses.conv(conv1, Var.constant(enc), eventDriven(), count);
            inAcs = c1.accumulates();
            s1 = LifOps.lif(Ops.reshape(Ops.maxPool2d(c1.value(), 2, 2), steps, batch, C1, h2, w2), options.lif());
        }
        Synapses.Out c2 = Synapses.conv(conv2, Ops.reshape(s1, tb, C1, h2, w2), eventDriven(), count);
        Var p2 = Ops.maxPool2d(c2.value(), 2, 2);
        Var s2 = LifOps.lif(Ops.reshape(p2, steps, batch, C2, height / 4, width / 4), options.lif());
        Synapses.Out out = Synapses.linear(readout, Ops.reshape(s2, steps, batch, flatFeatures()), eventDriven(), count);
        if (count) {
            long direct = options.encoding() == SpikeEncoding.DIRECT ? (long) batch * height * width * C1 * K * K : 0;
            meter.add(0, SpikeKernels.countNonZero(s1.value()), inAcs, direct + (long) tb * neurons1());
            meter.add(1, SpikeKernels.countNonZero(s2.value()), c2.accumulates(), (long) tb * neurons2());
            meter.add(2, 0, out.accumulates(), 0);
            meter.addSamples(batch);
        }
        return Ops.mean(out.value(), 0, false);
    }

    /** Direct: {@code H·W·C1·9} (conv1 once) {@code + T·(C1·H/2·W/2 + C2·H/4·W/4)} membrane updates; rate: the updates only. */
    @Override
    public long macsPerInference() {
        long updates = options.steps() * (neurons1() + neurons2());
        long direct = options.encoding() == SpikeEncoding.DIRECT ? (long) height * width * C1 * K * K : 0;
        return direct + updates;
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
    ActivityMeter meter() {
        return meter;
    }
}
