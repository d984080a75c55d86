package dev.joule.compress.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.data.FashionMnist;
import dev.joule.data.ShuffledBatches;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.tensor.Tensor;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activation skipping end to end on Fashion-MNIST with the default MLP (784-256-10) trained here for one
 * epoch: fc1 reads the pixels (about half are 0, the background) and fc2 the ReLU outputs. Threshold 0
 * (exact), then a threshold calibrated on 5,000 held-out training images for a 0.5-point budget; each
 * measured against dense on the 10,000 test images at batch 500, and threshold 0 also at batch 1. Logs the reports.
 */
@Tag("slow")
class ActivationSkippingFashionMnistTest {
    private static final Logger LOG = LoggerFactory.getLogger(ActivationSkippingFashionMnistTest.class);

    @Test
    void skippingZerosKeepsTheAccuracyAndSavesMacs() {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        FashionMnist data = FashionMnist.load();
        Model mlp = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), 0);
        DatasetSplit fit = new DatasetSplit(data.train(), 0, 55_000);
        DatasetSplit heldOut = new DatasetSplit(data.train(), 55_000, 60_000);
        new Trainer(mlp, AdamW.adam(mlp.namedParameters(), 1e-3f), new LearningRateSchedule.Constant(1e-3f),
                new ShuffledBatches(fit, 128, 0), null, TrainingPlan.steps(430), 0).run();
        mlp.setTraining(false);
        List<Tensor> calibration = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calibration.add(heldOut.range(i * 250, (i + 1) * 250).inputs());
        }
        List<LinearLayer> layers = LinearLayers.probe(mlp, calibration.get(0));

        List<ActivationSkipping.LayerSurvey> exact = ActivationSkipping.survey(mlp, layers, calibration, 0f);
        ActivationSkipping.Attached a = ActivationSkipping.attach(exact, 0.3, 0f);
        ActivationSkippingReport r0;
        ActivationSkippingReport one;
        try {
            r0 = ActivationSkipping.measure(mlp, a, data.test(), null, 2, 500, exact);
            // Batch 1 (latency): the dense kernel is a matrix-vector product there, not a GEMM.
            one = ActivationSkipping.measure(mlp, a, new DatasetSplit(data.test(), 0, 2000), null, 2, 1, exact);
        } finally {
            a.detach();
        }
        LOG.info("threshold 0, batch 500:");
        r0.describe().forEach(LOG::info);
        LOG.info("threshold 0, batch 1 (first 2,000 test images):");
        one.describe().forEach(LOG::info);
        LOG.info("{}", r0.toJson());
        assertEquals(r0.dense().accuracy(), r0.skipping().accuracy(), 1e-4, "threshold 0 computes the dense product");
        assertTrue(r0.macsSaving() > 0.2, "half the pixels are background: " + r0.toJson());

        float t = ActivationSkipping.calibrateThreshold(mlp, layers, calibration, heldOut,
                new float[] {0f, 0.02f, 0.05f, 0.1f, 0.2f, 0.3f}, 0.5, 0.3, 500);
        List<ActivationSkipping.LayerSurvey> calibrated = ActivationSkipping.survey(mlp, layers, calibration, t);
        ActivationSkipping.Attached b = ActivationSkipping.attach(calibrated, 0.3, t);
        ActivationSkippingReport rt;
        try {
            rt = ActivationSkipping.measure(mlp, b, data.test(), null, 2, 500, calibrated);
        } finally {
            b.detach();
        }
        LOG.info("calibrated threshold {}, batch 500:", t);
        rt.describe().forEach(LOG::info);
        LOG.info("{}", rt.toJson());
        assertTrue(rt.accuracyDropPoints() <= 1.0, "calibrated threshold " + t + ": " + rt.toJson());
        assertTrue(rt.macsSaving() >= r0.macsSaving() - 1e-9, "a higher threshold skips at least as much");
    }
}
