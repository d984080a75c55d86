package dev.joule.compress.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.NoGrad;
import dev.joule.compress.LinearLayer;
import dev.joule.compress.LinearLayers;
import dev.joule.data.LabeledImages;
import dev.joule.data.ShuffledBatches;
import dev.joule.kernel.forms.SkippingWeights;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.optim.AdamW;
import dev.joule.optim.LearningRateSchedule;
import dev.joule.tensor.Tensor;
import dev.joule.train.Trainer;
import dev.joule.train.TrainingPlan;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A small MLP trained on synthetic images: its ReLU hidden layer feeds fc2 many zeros (about 20 %), its pixels feed fc1 almost none. */
class ActivationSkippingTest {
    private static final LabeledImages TRAIN = SyntheticImages.make(600, 31);
    private static final LabeledImages TEST = SyntheticImages.make(200, 32);
    private static Model mlp;
    private static List<LinearLayer> layers;
    private static List<ActivationSkipping.LayerSurvey> survey;

    @BeforeAll
    static void trainAndSurvey() {
        mlp = ModelRegistry.create(new ModelConfig("mlp", "fashion-mnist", 28, 28, 0, 10, 0, 0, 1, 0, 64, 0f), 3);
        new Trainer(mlp, AdamW.adam(mlp.namedParameters(), 2e-3f), new LearningRateSchedule.Constant(2e-3f),
                new ShuffledBatches(TRAIN, 50, 1), null, TrainingPlan.steps(40), 1).run();
        mlp.setTraining(false);
        Tensor sample = TRAIN.range(0, 20).inputs();
        layers = LinearLayers.probe(mlp, sample);
        survey = ActivationSkipping.survey(mlp, layers, List.of(sample, TRAIN.range(20, 100).inputs()), 0f);
    }

    private static ActivationSkipping.LayerSurvey of(String name) {
        return survey.stream().filter(s -> s.layer().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theReluOutputsAreMostlyZeroAndThePixelsAreNot() {
        assertEquals(100L * 784, of("fc1.weight").values());
        assertTrue(of("fc1.weight").zeroFraction() < 0.05, "pixels: " + of("fc1.weight"));
        assertTrue(of("fc2.weight").zeroFraction() > 0.15, "relu outputs: " + of("fc2.weight"));
        assertEquals(of("fc2.weight").zeros(), of("fc2.weight").skippable(), "at threshold 0 only zeros are skippable");
    }

    @Test
    void atThresholdZeroTheOutputsAreTheDenseOnes() {
        Tensor x = TEST.range(0, 64).inputs();
        float[] dense;
        float[] skipped;
        ActivationSkipping.Attached a;
        try (NoGrad g = NoGrad.enter()) {
            dense = mlp.forward(x).value().toArray();
            a = ActivationSkipping.attach(survey, 0.15, 0f);
            try {
                skipped = mlp.forward(x).value().toArray();
            } finally {
                a.detach();
            }
        }
        assertEquals(1, a.forms().size(), "only fc2 is sparse enough");
        LinearLayer fc2 = a.forms().keySet().iterator().next();
        assertEquals("fc2.weight", fc2.name());
        assertNull(fc2.weight().inferenceWeights(), "detach puts the dense path back");
        assertArrayEquals(dense, skipped, 1e-5f);
    }

    @Test
    void measuringReportsFewerMacsAtTheSameAccuracy() {
        ActivationSkipping.Attached a = ActivationSkipping.attach(survey, 0.15, 0f);
        ActivationSkippingReport r;
        try {
            r = ActivationSkipping.measure(mlp, a, TEST, null, 1, 50, survey);
        } finally {
            a.detach();
        }
        assertEquals(r.dense().accuracy(), r.skipping().accuracy(), 1e-12, r.toJson().toString());
        assertTrue(r.skipping().macsPerInput() < r.dense().macsPerInput(), r.toJson().toString());
        assertTrue(r.skipping().countedMacsPerInput() < r.dense().countedMacsPerInput(), r.toJson().toString());
        ActivationSkippingReport.Layer fc2 = r.layers().get(1);
        assertTrue(fc2.skipping() && fc2.effectiveMacsPerRow() < fc2.denseMacsPerRow(), fc2.toString());
        assertTrue(r.describe().size() == 3 + 1 + layers.size() + 1);
    }

    @Test
    void calibrationStopsBeforeAThresholdThatSkipsEverything() {
        float t = ActivationSkipping.calibrateThreshold(mlp, layers, List.of(TRAIN.range(0, 100).inputs()),
                new DatasetSplit(TRAIN, 400, 600), new float[] {0f, 0.01f, 1e6f}, 1.0, 0.15, 100);
        assertTrue(t < 1e6f, "a threshold that zeroes every input cannot keep the accuracy: " + t);
        for (LinearLayer l : layers) {
            assertNull(l.weight().inferenceWeights(), "calibration leaves no form attached");
        }
        assertSame(SkippingWeights.class, SkippingWeights.of(new float[4], 2, 2, 0f).getClass());
    }
}
