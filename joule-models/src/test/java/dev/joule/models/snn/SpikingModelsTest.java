package dev.joule.models.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Lif;
import dev.joule.autograd.NoGrad;
import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.UnknownModelException;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.snn.SpikeEncoding;
import dev.joule.tensor.OpCounter;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** snn and csnn: shapes, counts, event-driven inference equal to the dense path, statistics, learning. */
class SpikingModelsTest {

    private static Tensor images(int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] d = new float[batch * 28 * 28];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextDouble();
        }
        return Tensor.of(d, batch, 28, 28);
    }

    private static SpikingModel model(String arch, SpikingOptions opts, long seed) {
        ModelConfig cfg = ModelConfig.fashionMnist(arch);
        SplittableRandom rng = new SplittableRandom(seed);
        return arch.equals("snn") ? new SnnModel(cfg, opts, rng) : new CsnnModel(cfg, opts, rng);
    }

    /** Scales every weight so the untrained network fires (default inits give few spikes at θ = 1). */
    private static void amplify(Model m, float factor) {
        for (Var p : m.namedParameters().values()) {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) {
                d[i] *= factor;
            }
        }
    }

    @Test
    void registryBuildsBothWithTheirShapesAndCounts() {
        Model snn = ModelRegistry.create(ModelConfig.fashionMnist("snn"), 1);
        assertEquals(203_530, snn.parameterCount());
        assertEquals(784L * 256 + 8 * 256, snn.macsPerInference());
        assertEquals(8L * 256 * 10, snn.acsPerInference(), "upper bound before any measurement");
        assertEquals(List.of("fc1.weight", "fc1.bias", "readout.weight", "readout.bias"),
                List.copyOf(snn.namedParameters().keySet()));
        assertArrayEquals(new int[] {3, 10}, snn.forward(images(3, 1)).shape());
        Model csnn = ModelRegistry.create(ModelConfig.fashionMnist("csnn"), 1);
        assertEquals(9 * 8 + 8 + 8 * 9 * 16 + 16 + 784 * 10 + 10, csnn.parameterCount());
        assertEquals(28L * 28 * 8 * 9 + 4L * (8 * 14 * 14 + 16 * 7 * 7), csnn.macsPerInference());
        assertArrayEquals(new int[] {2, 10}, csnn.forward(images(2, 2)).shape());
    }

    @Test
    void tokenTasksAreRefusedWithAClearMessage() {
        UnknownModelException e = assertThrows(UnknownModelException.class,
                () -> ModelRegistry.create(ModelConfig.charLm("snn", 50, 64), 1));
        assertTrue(e.getMessage().contains("fashion-mnist"), e.getMessage());
        assertThrows(UnknownModelException.class, () -> ModelRegistry.create(ModelConfig.charLm("csnn", 50, 64), 1));
    }

    @Test
    void eventDrivenInferenceEqualsTheDensePathWithTheSameCounts() {
        for (String arch : new String[] {"snn", "csnn"}) {
            for (SpikeEncoding enc : SpikeEncoding.values()) {
                SpikingOptions base = arch.equals("snn") ? SpikingOptions.fcDefaults() : SpikingOptions.convDefaults();
                SpikingOptions opts = base.withEncoding(enc);
                // Same seed: same weights and the same rate-encoder draws.
                SpikingModel event = model(arch, opts, 7);
                SpikingModel dense = model(arch, opts, 7);
                amplify(event, 3f);
                amplify(dense, 3f);
                dense.setEventDriven(false);
                event.setTraining(false);
                dense.setTraining(false);
                Tensor x = images(4, 3);
                Tensor a;
                Tensor b;
                try (NoGrad g = NoGrad.enter()) {
                    a = event.forward(x).value();
                    b = dense.forward(x).value();
                }
                float[] av = a.toArray();
                float[] bv = b.toArray();
                for (int i = 0; i < av.length; i++) {
                    assertEquals(bv[i], av[i], 1e-4f * (1 + Math.abs(bv[i])), arch + " " + enc + " logit " + i);
                }
                assertEquals(dense.lastStats(), event.lastStats(), arch + " " + enc + ": same spikes and counts");
                assertTrue(event.hasMeasuredActivity());
                long spikes = event.lastStats().stream().mapToLong(LayerStats::spikes).sum();
                assertTrue(spikes > 0, arch + " " + enc + " should fire");
            }
        }
    }

    @Test
    void readoutAccumulatesAreSpikesTimesFanOutAndTheOpCounterSeesThem() {
        SpikingModel m = model("snn", SpikingOptions.fcDefaults(), 11);
        amplify(m, 3f);
        m.setTraining(false);
        int batch = 5;
        long flops;
        long macs;
        try (NoGrad g = NoGrad.enter(); OpCounter.Region r = OpCounter.open()) {
            m.forward(images(batch, 4));
            flops = r.flops();
            macs = r.macs();
        }
        List<LayerStats> s = m.lastStats();
        LayerStats lif = s.get(0);
        LayerStats readout = s.get(1);
        assertEquals(batch, lif.samples());
        assertTrue(lif.spikes() > 0 && lif.spikes() < 256L * 8 * batch, "some but not all neurons fire: " + lif.spikes());
        assertEquals(lif.spikes() * 10, readout.accumulates(), "spikes × fan-out");
        assertEquals(lif.spikes() / (256.0 * 8 * batch), lif.firingRate(), 1e-12);
        assertEquals(Math.round((double) readout.accumulates() / batch), m.acsPerInference(), "measured, not the bound");
        assertEquals((long) batch * m.macsPerInference(), macs, "counted MACs: fc1 once and the membrane updates");
        assertEquals((long) batch * m.macsPerInference(), lif.macs());
        assertTrue(flops >= readout.accumulates(), "the accumulates are in the op counter's flops");
        m.setTraining(true);
        m.setTraining(false);
        assertFalse(m.hasMeasuredActivity(), "entering evaluation starts a new window");
    }

    @Test
    void trainingPassesAreNotCounted() {
        SpikingModel m = model("csnn", SpikingOptions.convDefaults(), 12);
        m.forward(images(2, 5));
        assertFalse(m.hasMeasuredActivity());
        assertEquals(m.acsUpperBoundPerInference(), m.acsPerInference());
    }

    @Test
    void bothLearnASmallBatch() {
        for (String arch : new String[] {"snn", "csnn"}) {
            SpikingOptions base = arch.equals("snn") ? SpikingOptions.fcDefaults() : SpikingOptions.convDefaults();
            SpikingModel m = model(arch, base.withLif(new Lif(0.9f, 1f, Lif.Reset.ZERO,
                    dev.joule.autograd.Surrogate.fastSigmoid(25f), true)), 13);
            Tensor x = images(16, 6);
            float[] labels = new float[16 * 10];
            for (int i = 0; i < 16; i++) {
                labels[i * 10 + i % 10] = 1f;
            }
            Tensor onehot = Tensor.of(labels, 16, 10);
            AdamW opt = AdamW.adam(m.namedParameters(), 3e-3f);
            double first = 0;
            double last = 0;
            for (int step = 0; step < 40; step++) {
                Var logp = Ops.logSoftmax(m.forward(x), -1);
                Var loss = Ops.neg(Ops.meanAll(Ops.sum(Ops.mul(logp, Var.constant(onehot)), -1, false)));
                opt.zeroGrad();
                loss.backward();
                opt.step();
                if (step == 0) {
                    first = loss.value().item();
                }
                last = loss.value().item();
            }
            assertTrue(last < 0.6 * first, arch + ": loss " + first + " → " + last);
        }
    }
}
