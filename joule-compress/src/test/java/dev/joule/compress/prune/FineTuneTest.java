package dev.joule.compress.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.MagnitudePruning.Scope;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.models.MlpModel;
import dev.joule.train.EvalSets;
import dev.joule.train.Evaluator;
import dev.joule.train.Metrics;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FineTuneTest {

    @Test
    void fineTuningLearnsAndKeepsTheMaskedWeightsAtZero() {
        MlpModel model = new MlpModel(TinyTask.mlp(32), new SplittableRandom(5));
        Map<String, Var> params = model.namedParameters();
        PruningMasks masks = MagnitudePruning.unstructured(Map.of("fc1.weight", params.get("fc1.weight")), 0.5,
                Scope.PER_LAYER);
        masks.apply(params);
        TinyTask test = new TinyTask(200, 8);
        Metrics before = Evaluator.evaluate(model, EvalSets.inOrder(test, 100));
        FineTune.Result r = FineTune.of(model, new TinyTask(512, 7)).steps(120).learningRate(1e-2f).batchSize(32)
                .masks(masks).eval(EvalSets.inOrder(test, 100)).run();
        assertEquals(120, r.steps());
        assertTrue(Float.isFinite(r.lastLoss()));
        assertTrue(r.metrics().accuracy() > 0.85, "fine-tuned accuracy " + r.metrics().accuracy());
        assertTrue(r.metrics().loss() < before.loss(), r.metrics().loss() + " vs " + before.loss());
        float[] mask = masks.mask("fc1.weight");
        float[] w = params.get("fc1.weight").value().toArray();
        int nonZeroKept = 0;
        for (int i = 0; i < w.length; i++) {
            if (mask[i] == 0f) {
                assertEquals(0f, w[i], "pruned fc1.weight[" + i + "] regrew");
            } else if (w[i] != 0f) {
                nonZeroKept++;
            }
        }
        assertEquals(96, nonZeroKept, "every kept weight trains");
    }

    @Test
    void aTimeLimitEndsTheRunAndStillEvaluates() {
        MlpModel model = new MlpModel(TinyTask.mlp(8), new SplittableRandom(5));
        FineTune.Result r = FineTune.of(model, new TinyTask(64, 7)).seconds(1e-9).batchSize(16)
                .eval(EvalSets.inOrder(new TinyTask(32, 8), 32)).run();
        assertEquals(1, r.steps());
        assertTrue(r.training().stoppedEarly());
        assertEquals(32, r.metrics().targets());
    }

    @Test
    void removesStaleFormsAndNeedsALength() {
        MlpModel model = new MlpModel(TinyTask.mlp(8), new SplittableRandom(5));
        Var w = model.namedParameters().get("fc1.weight");
        w.setInferenceWeights(new DenseWeights(8, 6, w.value().toArray()));
        FineTune.Result r = FineTune.of(model, new TinyTask(64, 7)).steps(2).batchSize(16).run();
        assertNull(w.inferenceWeights(), "training changes the values, so the old form must go");
        assertNull(r.metrics());
        assertThrows(IllegalArgumentException.class, () -> FineTune.of(model, new TinyTask(8, 1)).run());
    }
}
