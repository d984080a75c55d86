package dev.joule.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.autograd.Var;
import dev.joule.kernel.forms.DenseWeights;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearLayersTest {

    @Test
    void transformerLayersAreItsProjectionsAndHeadNotItsPositionTable() {
        Model m = TestModels.fashion("transformer", 1);
        Tensor x = TestModels.images(3, 2);
        float[] before = TestModels.forwardNoGrad(m, x);
        List<LinearLayer> layers = LinearLayers.probe(m, x);
        Map<String, Var> params = m.namedParameters();
        long twoD = params.values().stream().filter(v -> v.shape().length == 2).count();
        assertTrue(layers.size() >= 2 * 6 + 1, "q, k, v, o, ff up/down per block and the head: " + names(layers));
        assertTrue(layers.size() < twoD, "some 2-D parameters (positions) are not linear weights: " + names(layers));
        for (LinearLayer l : layers) {
            assertSame(params.get(l.name()), l.weight());
            assertArrayEquals(new int[] {l.out(), l.in()}, l.weight().shape());
            assertTrue(l.rowsPerInference() == 1 || l.rowsPerInference() == 28, l + " rows");
            assertNull(l.weight().inferenceWeights(), "recording forms are removed");
        }
        LinearLayer head = layers.get(layers.size() - 1);
        assertEquals(10, head.out());
        assertEquals(1, head.rowsPerInference());
        TestModels.assertCloseOutputs(before, TestModels.forwardNoGrad(m, x));   // probing changes nothing
    }

    @Test
    void lstmRawWeightsAreFoundAndFormsAlreadyAttachedArePutBack() {
        Model m = TestModels.fashion("lstm", 1);
        Var hh = m.namedParameters().entrySet().stream().filter(e -> e.getKey().endsWith("weight_hh"))
                .findFirst().orElseThrow().getValue();
        DenseWeights mine = new DenseWeights(hh.shape()[0], hh.shape()[1], hh.value().toArray());
        hh.setInferenceWeights(mine);
        List<LinearLayer> layers = LinearLayers.probe(m, TestModels.images(2, 3));
        List<String> names = names(layers);
        assertTrue(names.stream().anyMatch(n -> n.endsWith("weight_ih")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.endsWith("weight_hh")), names.toString());
        assertTrue(names.contains("head.weight"), names.toString());
        LinearLayer rec = layers.stream().filter(l -> l.name().endsWith("weight_hh")).findFirst().orElseThrow();
        assertTrue(rec.rowsPerInference() >= 27, "one row per time step: " + rec.rowsPerInference());
        assertSame(mine, hh.inferenceWeights());
        assertFalse(names.stream().anyMatch(n -> n.endsWith("bias")));
    }

    private static List<String> names(List<LinearLayer> layers) {
        return layers.stream().map(LinearLayer::name).toList();
    }
}
