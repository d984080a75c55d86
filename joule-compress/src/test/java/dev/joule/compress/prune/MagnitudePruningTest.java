package dev.joule.compress.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.joule.autograd.Var;
import dev.joule.compress.prune.MagnitudePruning.Scope;
import dev.joule.kernel.sparse.NmMatrix;
import dev.joule.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MagnitudePruningTest {

    private static Var matrix(int rows, int cols, float... values) {
        return Var.param(Tensor.of(values.clone(), rows, cols));
    }

    @Test
    void perLayerPrunesExactlyTheSmallestMagnitudesOfEachLayer() {
        Map<String, Var> w = new LinkedHashMap<>();
        w.put("a", matrix(2, 2, 0.4f, -0.1f, 0.3f, -0.2f));
        w.put("b", matrix(1, 4, 10f, 20f, -30f, 40f));
        PruningMasks m = MagnitudePruning.unstructured(w, 0.5, Scope.PER_LAYER);
        assertArrayEquals(new float[] {1, 0, 1, 0}, m.mask("a"));
        assertArrayEquals(new float[] {0, 0, 1, 1}, m.mask("b"));
        assertEquals(0.5, m.sparsity().get("a"), 0);
        assertEquals(0.5, m.overallSparsity(), 0);
        m.apply(w);
        assertArrayEquals(new float[] {0.4f, 0f, 0.3f, 0f}, w.get("a").value().toArray());
        assertArrayEquals(new float[] {0f, 0f, -30f, 40f}, w.get("b").value().toArray());
    }

    @Test
    void globalRanksAcrossLayersSoTheSmallLayerLosesEverythingFirst() {
        Map<String, Var> w = new LinkedHashMap<>();
        w.put("small", matrix(1, 4, 0.1f, -0.2f, 0.3f, 0.05f));
        w.put("big", matrix(1, 4, 10f, -20f, 30f, 1f));
        PruningMasks m = MagnitudePruning.unstructured(w, 0.5, Scope.GLOBAL);
        assertArrayEquals(new float[] {0, 0, 0, 0}, m.mask("small"));
        assertArrayEquals(new float[] {1, 1, 1, 1}, m.mask("big"));
        PruningMasks m75 = MagnitudePruning.unstructured(w, 0.75, Scope.GLOBAL);
        assertArrayEquals(new float[] {0, 1, 1, 0}, m75.mask("big"));
        assertEquals(1.0, m75.sparsity().get("small"), 0);
        assertEquals(0.5, m75.sparsity().get("big"), 0);
    }

    @Test
    void tiesFallToTheEarlierEntryAndTheCountIsExact() {
        Map<String, Var> w = Map.of("t", matrix(1, 5, 1f, -1f, 1f, 2f, 1f));
        PruningMasks m = MagnitudePruning.unstructured(w, 0.4, Scope.PER_LAYER);
        assertArrayEquals(new float[] {0, 0, 1, 1, 1}, m.mask("t"));
    }

    @Test
    void repruningAMaskedLayerKeepsTheOldZerosInsideTheNewMask() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] v = new float[200];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        Map<String, Var> w = Map.of("w", matrix(10, 20, v));
        PruningMasks first = MagnitudePruning.unstructured(w, 0.3, Scope.PER_LAYER);
        first.apply(w);
        PruningMasks second = MagnitudePruning.unstructured(w, 0.6, Scope.PER_LAYER);
        float[] a = first.mask("w");
        float[] b = second.mask("w");
        for (int i = 0; i < a.length; i++) {
            if (a[i] == 0f) {
                assertEquals(0f, b[i], "entry " + i + " pruned at 30 % must stay pruned at 60 %");
            }
        }
        assertEquals(120, second.prunedCount("w"));
    }

    @Test
    void twoOfFourKeepsTheTwoLargestOfEveryGroupWithTiesToTheLowerIndex() {
        Map<String, Var> w = Map.of("w", matrix(2, 8,
                0.1f, -0.9f, 0.5f, 0.2f, /* */ 1f, 1f, 1f, 1f,
                3f, -3f, 0f, 2f, /* */ 0f, 0f, 0f, -0.5f));
        PruningMasks m = MagnitudePruning.nOfM(w, 2, 4);
        assertArrayEquals(new float[] {0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1}, m.mask("w"));
        assertEquals(0.5, m.overallSparsity(), 0);
    }

    @Test
    void twoOfFourMatchesTheNmKernelsOwnSelectionIncludingAShortLastGroup() {
        SplittableRandom rng = new SplittableRandom(7);
        int rows = 6;
        int cols = 14;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(5) - 2; // many ties
        }
        Var var = matrix(rows, cols, v);
        PruningMasks m = MagnitudePruning.nOfM(Map.of("w", var), 2, 4);
        m.apply(Map.of("w", var));
        float[] kernel = NmMatrix.fromDense(v, 0, rows, cols, 2, 4).toDense();
        assertArrayEquals(kernel, var.value().toArray());
        // 3 full groups keep 2 of 4, the last group of 2 keeps both: 8 of 14 per row
        assertEquals(rows * (cols - 8), m.prunedCount("w"));
    }

    @Test
    void rejectsSparsityOutsideZeroToOneAndBadNm() {
        Map<String, Var> w = Map.of("w", matrix(1, 2, 1f, 2f));
        assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.unstructured(w, 1.0, Scope.GLOBAL));
        assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.unstructured(w, -0.1, Scope.GLOBAL));
        assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.nOfM(w, 3, 2));
    }
}
