package dev.joule.compress.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Var;
import dev.joule.optim.AdamW;
import dev.joule.tensor.Tensor;
import dev.joule.train.TrainingListener;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruningMasksTest {

    private static Map<String, float[]> of(String name, float... mask) {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put(name, mask);
        return m;
    }

    @Test
    void applyZeroesMaskedEntriesOfAViewInPlace() {
        // a row view with a non-zero offset: the mask indexes the view, not the backing array
        Tensor backing = Tensor.of(new float[] {9, 9, 1, 2, 3, 4}, 3, 2);
        Var w = Var.param(backing.rows(1, 3));
        PruningMasks m = new PruningMasks(of("w", 1, 0, 0, 1));
        m.apply(Map.of("w", w));
        assertArrayEquals(new float[] {1, 0, 0, 4}, w.value().toArray());
        assertEquals(9f, backing.data()[0]);
        assertEquals(0.5, m.sparsity().get("w"), 0);
        assertEquals(2, m.prunedCount("w"));
    }

    @Test
    void sparsityPerLayerAndOverallAndTheUnionOfTwoMasks() {
        Map<String, float[]> raw = of("a", 0, 0, 0, 1);
        raw.put("b", new float[] {1, 1, 1, 1, 1, 1, 1, 0});
        PruningMasks m = new PruningMasks(raw);
        assertEquals(0.75, m.sparsity().get("a"), 0);
        assertEquals(0.125, m.sparsity().get("b"), 0);
        assertEquals(4.0 / 12, m.overallSparsity(), 1e-12);
        PruningMasks both = m.and(new PruningMasks(of("a", 1, 1, 1, 0)));
        assertArrayEquals(new float[] {0, 0, 0, 0}, both.mask("a"));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 0}, both.mask("b"));
        assertEquals(0, PruningMasks.empty().overallSparsity(), 0);
    }

    @Test
    void theListenerUndoesWhatAnAdamWStepDoesToPrunedWeights() {
        Var w = Var.param(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        Map<String, Var> params = Map.of("w", w);
        PruningMasks m = new PruningMasks(of("w", 1, 0, 1, 0));
        TrainingListener l = m.asListener(params);
        l.onStart(0, 10);
        assertArrayEquals(new float[] {1, 0, 3, 0}, w.value().toArray());
        AdamW opt = new AdamW(params, 0.1f);
        w.accumulateGrad(Tensor.of(new float[] {1, 1, 1, 1}, 2, 2));
        opt.step();
        assertTrue(w.value().toArray()[1] != 0f, "AdamW moved the pruned weight (this is what the listener is for)");
        l.onStep(new TrainingListener.StepEvent(1, 10, 0, 1f, 0.1f, Float.NaN, 4, 1));
        float[] after = w.value().toArray();
        assertEquals(0f, after[1]);
        assertEquals(0f, after[3]);
        assertTrue(after[0] < 1f, "kept weights keep their update");
    }

    @Test
    void refusesNonBinaryMasksAndMismatchedParameters() {
        assertThrows(IllegalArgumentException.class, () -> new PruningMasks(of("w", 0.5f)));
        PruningMasks m = new PruningMasks(of("w", 1, 0));
        assertThrows(IllegalArgumentException.class, () -> m.apply(Map.of("v", Var.param(Tensor.zeros(2)))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.apply(Map.of("w", Var.param(Tensor.zeros(3)))));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }
}
