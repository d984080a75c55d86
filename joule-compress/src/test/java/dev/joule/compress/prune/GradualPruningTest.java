package dev.joule.compress.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.MagnitudePruning.Scope;
import dev.joule.models.MlpModel;
import dev.joule.train.EvalSets;
import dev.joule.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradualPruningTest {

    @Test
    void cubicScheduleMatchesZhuAndGupta() {
        // s_i = 0, s_f = 0.8, t0 = 2, Δt = 3, n = 4: pruning steps 2, 5, 8, 11, 14
        assertEquals(0.0, GradualPruning.sparsityAt(0, 0, 0.8, 2, 3, 4), 0);
        assertEquals(0.0, GradualPruning.sparsityAt(2, 0, 0.8, 2, 3, 4), 0);
        assertEquals(0.8 - 0.8 * Math.pow(0.75, 3), GradualPruning.sparsityAt(5, 0, 0.8, 2, 3, 4), 1e-12); // 0.4625
        assertEquals(0.7, GradualPruning.sparsityAt(8, 0, 0.8, 2, 3, 4), 1e-12);
        assertEquals(0.8 - 0.8 / 64, GradualPruning.sparsityAt(11, 0, 0.8, 2, 3, 4), 1e-12); // 0.7875
        assertEquals(0.8, GradualPruning.sparsityAt(14, 0, 0.8, 2, 3, 4), 1e-12);
        assertEquals(0.8, GradualPruning.sparsityAt(100, 0, 0.8, 2, 3, 4), 1e-12);
        // a non-zero start: s_t = 0.9 + (0.5 − 0.9)(1 − 1/2)³ = 0.85 halfway
        assertEquals(0.85, GradualPruning.sparsityAt(10, 0.5, 0.9, 0, 10, 2), 1e-12);

        GradualPruning g = new GradualPruning(Map.of(), 0, 0.8, 2, 3, 4, Scope.PER_LAYER);
        assertTrue(g.isPruningStep(2));
        assertTrue(g.isPruningStep(14));
        assertFalse(g.isPruningStep(3));
        assertFalse(g.isPruningStep(17));
        assertFalse(g.isPruningStep(1));
    }

    @Test
    void masksRiseOnScheduleAndPrunedWeightsStayZeroThroughAdamWSteps() {
        MlpModel model = new MlpModel(TinyTask.mlp(32), new SplittableRandom(3));
        Map<String, Var> weights = new LinkedHashMap<>();
        weights.put("fc1.weight", model.namedParameters().get("fc1.weight"));
        weights.put("fc2.weight", model.namedParameters().get("fc2.weight"));
        GradualPruning gradual = new GradualPruning(weights, 0, 0.75, 2, 4, 3, Scope.PER_LAYER);
        List<String> violations = new ArrayList<>();
        List<Double> seen = new ArrayList<>();
        TrainingListener check = new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                seen.add(gradual.currentSparsity());
                PruningMasks m = gradual.masks();
                for (String name : m.names()) {
                    float[] mask = m.mask(name);
                    float[] w = weights.get(name).value().toArray();
                    for (int i = 0; i < w.length; i++) {
                        if (mask[i] == 0f && w[i] != 0f) {
                            violations.add(name + "[" + i + "] = " + w[i] + " at step " + e.step());
                        }
                    }
                }
            }
        };
        TinyTask data = new TinyTask(256, 1);
        FineTune.Result r = FineTune.of(model, data).steps(20).learningRate(1e-2f).batchSize(32)
                .listener(gradual).listener(check).eval(EvalSets.inOrder(new TinyTask(128, 2), 64)).run();
        assertEquals(20, r.steps());
        assertTrue(violations.isEmpty(), violations.toString());
        // pruning steps 2, 6, 10, 14 (seen[k] is after step k + 1): 0, 0.75(1 − (2/3)³), 0.75(1 − (1/3)³), then
        // 0.75 from step 14 on
        assertEquals(0.0, seen.get(1), 0);
        assertEquals(0.0, seen.get(4), 0);
        assertEquals(0.75 * (1 - 8.0 / 27), seen.get(5), 1e-12);
        assertEquals(0.75 * (1 - 8.0 / 27), seen.get(8), 1e-12);
        assertEquals(0.75 * (1 - 1.0 / 27), seen.get(9), 1e-12);
        assertEquals(0.75, seen.get(13), 1e-12);
        assertEquals(0.75, seen.get(19), 1e-12);
        // exactly round(0.75 · n) entries of each matrix are 0 at the end
        assertEquals(0.75, gradual.masks().sparsity().get("fc1.weight"), 0);
        assertEquals(72, countZeros(weights.get("fc2.weight").value().toArray()));
        assertTrue(r.metrics().accuracy() > 0.5, "a 75 %-sparse toy MLP still beats chance (1/3): " + r.metrics());
    }

    @Test
    void structuredScheduleRemovesWholeUnitsMonotonicallyAndTheyStayRemoved() {
        MlpModel model = new MlpModel(TinyTask.mlp(16), new SplittableRandom(4));
        GradualPruning gradual = GradualPruning.structured(model, NeuronGroups.of(model), 0, 0.5, 1, 2, 4);
        Map<String, Var> params = model.namedParameters();
        List<List<Integer>> deadPerStep = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                float[] fc2 = params.get("fc2.weight").value().toArray();
                List<Integer> dead = new ArrayList<>();
                for (int u = 0; u < 16; u++) {
                    boolean zero = true;
                    for (int c = 0; c < TinyTask.CLASSES; c++) {
                        zero &= fc2[c * 16 + u] == 0f;
                    }
                    if (zero) {
                        dead.add(u);
                    }
                }
                deadPerStep.add(dead);
            }
        };
        FineTune.of(model, new TinyTask(128, 1)).steps(12).learningRate(1e-2f).batchSize(32)
                .listener(gradual).listener(record).run();
        // fractions at steps 1, 3, 5, 7, 9: 0, 0.5(1 − 27/64), 0.5(1 − 1/8), 0.5(1 − 1/64), 0.5 → 0, 5, 7, 8, 8 units
        int[] expected = {0, 0, 5, 5, 7, 7, 8, 8, 8, 8, 8, 8};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], deadPerStep.get(i).size(), "dead units after step " + (i + 1));
            if (i > 0) {
                assertTrue(deadPerStep.get(i).containsAll(deadPerStep.get(i - 1)), "units stay removed");
            }
        }
        ShrinkPlan plan = ShrinkPlan.fromMasks(gradual.masks(), params);
        assertEquals(8, plan.layers().get("fc1.weight").keptRows().length);
        assertEquals(8, plan.layers().get("fc2.weight").keptCols().length);
    }

    private static int countZeros(float[] w) {
        int z = 0;
        for (float v : w) {
            z += v == 0f ? 1 : 0;
        }
        return z;
    }
}
