package dev.joule.onnx.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EmbeddingFidelityTest {

    @Test
    void identicalEmbeddingsAgreeFully() {
        float[][] e = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {-1, 0}};
        EmbeddingFidelity f = EmbeddingFidelity.compare(e, e, 2);
        assertEquals(1.0, f.meanCosine(), 1e-12);
        assertEquals(1.0, f.minCosine(), 1e-12);
        assertEquals(1.0, f.topKAgreement(), 1e-12);
    }

    @Test
    void cosineAndNeighboursAreMeasured() {
        float[][] ref = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {-1, 0}};
        // Sentence 2 turned by 90 degrees: cosine 0 for it; sentence 0's nearest becomes 3? no: stays 1.
        float[][] got = {{1, 0}, {0.9f, 0.1f}, {1, 0}, {-1, 0}};
        EmbeddingFidelity f = EmbeddingFidelity.compare(ref, got, 1);
        assertEquals(0.0, f.minCosine(), 1e-7);
        assertEquals(0.75, f.meanCosine(), 1e-7);
        // Nearest neighbours, reference: 0->1, 1->0, 2->1, 3->2; compressed: 0->2 (tie with equal vector), 1->0 or 2, 2->0, 3->1.
        assertEquals(1, f.topK());
        assertEquals(true, f.topKAgreement() < 1.0);
    }

    @Test
    void refusesMismatchedSets() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingFidelity.compare(new float[2][2], new float[3][2], 1));
    }
}
