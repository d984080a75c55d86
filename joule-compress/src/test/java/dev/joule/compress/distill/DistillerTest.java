package dev.joule.compress.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.compress.dynamic.SyntheticImages;
import dev.joule.data.LabeledImages;
import dev.joule.data.ShuffledBatches;
import dev.joule.models.ModelConfig;
import dev.joule.models.ModelRegistry;
import dev.joule.nn.Model;
import dev.joule.train.EvalSets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.joule.train.TrainingListener;

/** An MLP teacher trained on labels, then a small minGRU student distilled from it on synthetic images. */
class DistillerTest {
    private static final LabeledImages TRAIN = SyntheticImages.make(640, 21);
    private static final LabeledImages TEST = SyntheticImages.make(200, 22);

    @Test
    void aStudentLearnsFromTheTeachersLogits() {
        Model teacher = ModelRegistry.create(ModelConfig.fashionMnist("mlp"), 1);
        Distiller.Result t = Distiller.run(null, teacher, new ShuffledBatches(TRAIN, 64, 1), EvalSets.inOrder(TEST, 100),
                Distiller.Options.steps(40, 2e-3f).withAlpha(0f), null);
        assertTrue(t.student().accuracy() > 0.8, "teacher accuracy " + t.student().accuracy());

        ModelConfig small = new ModelConfig("mingru", "fashion-mnist", 28, 28, 0, 10, 0, 0, 1, 0, 32, 0f);
        Model student = ModelRegistry.create(small, 2);
        List<Float> rates = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                rates.add(e.learningRate());
            }
        };
        Distiller.Result r = Distiller.run(teacher, student, new ShuffledBatches(TRAIN, 64, 2), EvalSets.inOrder(TEST, 100),
                Distiller.Options.steps(60, 1e-2f), l);
        assertEquals(60, r.steps());
        assertEquals(60, rates.size());
        assertTrue(r.lastLoss() < 0.7 * r.firstLoss(), "loss " + r.firstLoss() + " -> " + r.lastLoss());
        assertTrue(r.student().accuracy() > 0.5, "student accuracy " + r.student().accuracy());
    }
}
