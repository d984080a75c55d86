package dev.joule.kernel.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The chooser picks the candidate that is not deliberately slowed down; no assertion on absolute time. */
class FormChooserTest {

    /** A form that computes the dense product, then spins for a fixed time. */
    private record Slowed(LinearWeights inner, long spinNanos) implements LinearWeights {
        @Override
        public int outFeatures() {
            return inner.outFeatures();
        }

        @Override
        public int inFeatures() {
            return inner.inFeatures();
        }

        @Override
        public void multiply(float[] x, int xOff, int rows, float[] y, int yOff) {
            inner.multiply(x, xOff, rows, y, yOff);
            long until = System.nanoTime() + spinNanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }

        @Override
        public String format() {
            return "slowed";
        }

        @Override
        public String kernel() {
            return "spin";
        }

        @Override
        public long storedBytes() {
            return inner.storedBytes();
        }

        @Override
        public long macsPerRow() {
            return inner.macsPerRow();
        }

        @Override
        public float[] toDense() {
            return inner.toDense();
        }
    }

    @Test
    void picksTheCandidateThatIsNotSlowedDown() {
        int out = 12, in = 20;
        DenseWeights dense = new DenseWeights(out, in, FormsTestData.random(1, out * in, 1));
        Slowed slow = new Slowed(dense, 2_000_000);
        FormChooser.Choice first = FormChooser.fastest(List.of(slow, dense), 4);
        assertSame(dense, first.form(), first.reason());
        FormChooser.Choice second = FormChooser.fastest(List.of(dense, slow), 1);
        assertSame(dense, second.form(), second.reason());
        assertEquals(2, second.timings().size());
        assertEquals("f32", second.timings().get(0).format());
        assertEquals("slowed", second.timings().get(1).format());
        assertTrue(second.timings().get(1).medianNanos() > second.timings().get(0).medianNanos(), second.reason());
        assertTrue(second.reason().contains("(1.00×)"), second.reason());
        assertTrue(second.reason().contains("12×20, rows 1"), second.reason());
    }

    @Test
    void takesRepresentativeInputs() {
        int out = 8, in = 16, rows = 2;
        DenseWeights dense = new DenseWeights(out, in, FormsTestData.random(2, out * in, 1));
        FormChooser.Choice c = FormChooser.fastest(List.of(new Slowed(dense, 2_000_000), dense),
                FormsTestData.random(3, rows * in, 1), rows);
        assertSame(dense, c.form(), c.reason());
    }

    @Test
    void rejectsEmptyOrMismatchedCandidates() {
        DenseWeights a = new DenseWeights(2, 3, new float[6]);
        DenseWeights b = new DenseWeights(3, 2, new float[6]);
        assertThrows(IllegalArgumentException.class, () -> FormChooser.fastest(List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> FormChooser.fastest(List.of(a, b), 1));
        assertThrows(IllegalArgumentException.class, () -> FormChooser.fastest(List.of(a), 0));
        assertThrows(IllegalArgumentException.class, () -> FormChooser.fastest(List.of(a), new float[5], 2));
    }
}
