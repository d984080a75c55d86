package dev.joule.compress.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.autograd.NoGrad;
import dev.joule.checkpoint.CheckpointException;
import dev.joule.checkpoint.Checkpoints;
import dev.joule.data.Batch;
import dev.joule.data.LabeledImages;
import dev.joule.models.TransformerClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit-head training, calibration, measurement and save/load on a tiny transformer and synthetic images. */
class EarlyExitBuildTest {
    private static final LabeledImages TRAIN = SyntheticImages.make(900, 11);
    private static final LabeledImages TEST = SyntheticImages.make(200, 12);

    @Test
    void trainingTheHeadsLowersTheirLossAndLeavesTheBackboneAlone() {
        TransformerClassifier backbone = EarlyExitModelTest.tiny(3, 5);
        float[] allBefore = flat(backbone);
        EarlyExitModel ee = new EarlyExitModel(backbone);
        ExitTraining.Result r = ExitTraining.train(ee, TRAIN, 60, 32, 5e-3f, 1);
        assertTrue(r.lastLoss() < 0.8 * r.firstLoss(), "loss " + r.firstLoss() + " -> " + r.lastLoss());
        assertArrayEquals(allBefore, flat(backbone), "the backbone is frozen");
    }

    private static float[] flat(TransformerClassifier m) {
        return m.namedParameters().values().stream().map(v -> v.value().toArray())
                .reduce(new float[0], (a, b) -> {
                    float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
    }

    @Test
    void buildCalibratesWithinTheBudgetAndMeasureReportsBothVariants() {
        TransformerClassifier backbone = EarlyExitModelTest.tiny(2, 6);
        EarlyExit.Options o = EarlyExit.Options.defaults().withSteps(60).withHeldOut(300).withBudgetPoints(1.0);
        EarlyExitModel ee = EarlyExit.build(backbone, TRAIN, o);
        ExitCalibration.Result c = ee.calibration();
        assertEquals(300, c.heldOut());
        assertTrue(c.earlyAccuracy() >= c.fullAccuracy() - 0.01 - 1e-12, c.toString());
        EarlyExitReport r = EarlyExit.measure(ee, TEST, null, 1, 50);
        assertEquals(200, r.full().inferences());
        assertEquals(1.0, r.exitFractions()[0] + r.exitFractions()[1], 1e-12);
        assertTrue(r.early().macsPerInput() <= r.full().macsPerInput() + 16 * 10, r.toJson().toString());
        assertTrue(r.full().countedMacsPerInput() > 0);
        assertFalse(r.full().energySource().isEmpty());
        assertTrue(r.full().joulesPerInference() > 0 && r.early().joulesPerInference() > 0, r.toJson().toString());
        ObjectNode json = r.toJson();
        assertTrue(json.has("energySaving") && json.path("earlyExit").has("joulesPerInference"));
        assertEquals(6, r.describe().size());
    }

    @Test
    void savedExitsLoadBackWithTheSameOutputs(@TempDir Path dir) throws Exception {
        TransformerClassifier backbone = EarlyExitModelTest.tiny(3, 8);
        EarlyExitModel ee = EarlyExitModelTest.withDistinctExits(backbone);
        ee.applyCalibration(new ExitCalibration.Result(new float[] {0.3f, 0.4f}, 0.5, 100, 0.9, 0.895, new double[] {0.5, 0.3, 0.2}));
        EarlyExitStore.save(dir, ee);
        assertTrue(Files.isRegularFile(dir.resolve(EarlyExitStore.HEADS_FILE)) && EarlyExitStore.exists(dir));
        EarlyExitModel loaded = EarlyExitStore.load(dir, backbone);
        assertArrayEquals(ee.thresholds(), loaded.thresholds());
        assertEquals(0.895, loaded.calibration().earlyAccuracy());
        Batch b = TEST.range(0, 40);
        try (NoGrad g = NoGrad.enter()) {
            assertArrayEquals(ee.forward(b.inputs()).value().toArray(), loaded.forward(b.inputs()).value().toArray());
        }
        assertArrayEquals(ee.leftAtDepth(), loaded.leftAtDepth());
    }

    @Test
    void exitsForAnotherBackboneAreRejected(@TempDir Path dir) throws Exception {
        EarlyExitStore.save(dir, new EarlyExitModel(EarlyExitModelTest.tiny(3, 8)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> EarlyExitStore.load(dir, EarlyExitModelTest.tiny(2, 8)));
        assertTrue(e.getMessage().contains("3 blocks") && e.getMessage().contains("rebuild"), e.getMessage());
        ObjectNode json = (ObjectNode) Checkpoints.json().readTree(dir.resolve(EarlyExitStore.CONFIG_FILE).toFile());
        json.put("version", 99);
        Files.write(dir.resolve(EarlyExitStore.CONFIG_FILE), Checkpoints.json().writeValueAsBytes(json));
        e = assertThrows(CheckpointException.class, () -> EarlyExitStore.load(dir, EarlyExitModelTest.tiny(3, 8)));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }
}
