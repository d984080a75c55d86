package dev.joule.models.snn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.data.Batch;
import dev.joule.data.FashionMnist;
import dev.joule.data.ShuffledBatches;
import dev.joule.kernel.Parallel;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.optim.AdamW;
import dev.joule.tensor.Tensor;
import dev.joule.train.EvalSets;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FC-SNN on the real Fashion-MNIST: one epoch (Adam 1e-3, batch 128) then the full test set, evaluated
 * event-driven; checks the accuracy and that the measured activity is that of the 10,000 test images. About 10 s on
 * two cores; skipped where the Debian data set is not installed.
 */
class SnnFashionMnistTest {

    @Test
    void oneEpochReachesTheMlpsLevelAndReportsTheTestSetsActivity() {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        int threads = Parallel.threads();
        Parallel.setThreads(2);
        try {
            FashionMnist data = FashionMnist.load();
            SpikingModel m = (SpikingModel) ModelRegistry.create(ModelConfig.fashionMnist("snn"), 0);
            AdamW opt = AdamW.adam(m.namedParameters(), 1e-3f);
            ShuffledBatches batches = new ShuffledBatches(data.train(), 128, 0);
            for (long i = 0; i < batches.batchesPerEpoch(); i++) {
                Batch b = batches.batch(0, i);
                float[] onehot = new float[b.size() * 10];
                for (int r = 0; r < b.size(); r++) {
                    onehot[r * 10 + b.targets()[r]] = 1f;
                }
                Var logp = Ops.logSoftmax(m.forward(b.inputs()), -1);
                Var loss = Ops.neg(Ops.meanAll(Ops.sum(Ops.mul(logp, Var.constant(Tensor.of(onehot, b.size(), 10))),
                        -1, false)));
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }
            Metrics metrics = Evaluator.evaluate(m, EvalSets.inOrder(data.test(), 500));
            assertTrue(metrics.accuracy() >= 0.82, "accuracy " + metrics.accuracy());
            List<LayerStats> stats = m.lastStats();
            assertEquals(10_000, stats.get(0).samples(), "the window is the test set");
            double rate = stats.get(0).firingRate();
            assertTrue(rate > 0.01 && rate < 0.99, "hidden firing rate " + rate);
            assertTrue(m.hasMeasuredActivity());
            assertTrue(m.acsPerInference() > 0 && m.acsPerInference() < m.acsUpperBoundPerInference(),
                    m.acsPerInference() + " vs bound " + m.acsUpperBoundPerInference());
        } finally {
            Parallel.setThreads(threads);
        }
    }
}
