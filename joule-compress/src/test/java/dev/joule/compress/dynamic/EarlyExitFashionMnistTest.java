package dev.joule.compress.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joule.checkpoint.Checkpoint;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.data.FashionMnist;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.models.TransformerClassifier;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.data.ShuffledBatches;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Early exit end to end on Fashion-MNIST: the checkpoint named by {@code -Djoule.earlyExit.checkpoint=DIR}
 * (a {@code joule train --model transformer --task fashion-mnist} result; only read), or else a 2-block
 * transformer trained here for 600 steps. Builds the exits with the default options (budget 0.5 point on
 * 5,000 held-out training images), measures both variants on the 10,000 test images and logs the report.
 */
@Tag("slow")
class EarlyExitFashionMnistTest {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyExitFashionMnistTest.class);

    @Test
    void earlyExitKeepsTheAccuracyWithinOnePointAndSavesWork(@TempDir Path tmp) throws Exception {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        FashionMnist data = FashionMnist.load();
        TransformerClassifier backbone = backbone(data);
        EarlyExitModel ee = EarlyExit.build(backbone, data.train(), EarlyExit.Options.defaults());
        ExitCalibration.Outputs heldOut = ExitCalibration.Outputs.collect(ee,
                new DatasetSplit(data.train(), 55_000, 60_000), 500);
        java.util.List<ExitCalibration.SweepPoint> curve = ExitCalibration.sweep(heldOut);
        LOG.info("held-out curve (threshold, accuracy, mean MACs/input; full model {}):", heldOut.fullAccuracy());
        for (int i = 0; i < curve.size(); i += Math.max(1, curve.size() / 12)) {
            ExitCalibration.SweepPoint p = curve.get(i);
            LOG.info(String.format(java.util.Locale.ROOT, "  %.4f  %.4f  %.0f", p.threshold(), p.accuracy(), ee.meanMacs(p.exitFractions())));
        }
        EarlyExitReport r = EarlyExit.measure(ee, data.test(), null, 2, 500);
        r.describe().forEach(LOG::info);
        LOG.info("{}", r.toJson());
        assertTrue(r.accuracyDropPoints() <= 1.0, "test accuracy drop " + r.accuracyDropPoints() + " points");
        assertTrue(r.macsSaving() > 0, "early exit saved no MACs: " + r.toJson());

        EarlyExitStore.save(tmp, ee);
        EarlyExitModel loaded = EarlyExitStore.load(tmp, backbone);
        assertArrayEquals(ee.thresholds(), loaded.thresholds());
    }

    private static TransformerClassifier backbone(FashionMnist data) throws Exception {
        String dir = System.getProperty("joule.earlyExit.checkpoint");
        if (dir != null && Files.isDirectory(Path.of(dir))) {
            Checkpoint ckpt = Checkpoints.load(Path.of(dir));
            ModelConfig cfg = Checkpoints.json().treeToValue(ckpt.model(), ModelConfig.class);
            Model m = ModelRegistry.create(cfg, 0);
            Checkpoints.loadInto(m.namedParameters(), ckpt.weights(), dir);
            LOG.info("backbone: checkpoint {} ({} blocks)", dir, cfg.layers());
            return (TransformerClassifier) m;
        }
        ModelConfig cfg = ModelConfig.fashionMnist("transformer");
        TransformerClassifier m = (TransformerClassifier) ModelRegistry.create(cfg, 0);
        new Trainer(m, AdamW.adam(m.namedParameters(), 2e-3f), new LearningRateSchedule.WarmupCosine(50, 600, 2e-3f, 2e-4f),
                new ShuffledBatches(data.train(), 128, 0), null, TrainingPlan.steps(600), 0).run();
        LOG.info("backbone: trained here for 600 steps ({} blocks)", cfg.layers());
        return m;
    }
}
