package dev.joule.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void constantIsConstant() {
        LearningRateSchedule s = new LearningRateSchedule.Constant(3e-4f);
        assertEquals(3e-4f, s.at(0));
        assertEquals(3e-4f, s.at(1_000_000));
    }

    @Test
    void warmupCosineAtKeySteps() {
        LearningRateSchedule s = new LearningRateSchedule.WarmupCosine(10, 110, 1e-3f, 1e-4f);
        assertEquals(1e-4f, s.at(0), 1e-9f);
        assertEquals(5e-4f, s.at(4), 1e-9f);
        assertEquals(1e-3f, s.at(9), 1e-9f);
        assertEquals(1e-3f, s.at(10), 1e-9f);
        assertEquals(5.5e-4f, s.at(60), 1e-9f);
        assertEquals(1e-4f + 0.5 * (1 + Math.cos(Math.PI * 0.25)) * 9e-4, s.at(35), 1e-9f);
        assertEquals(1e-4f, s.at(110), 0f);
        assertEquals(1e-4f, s.at(5000), 0f);
    }

    @Test
    void zeroWarmupStartsAtPeak() {
        LearningRateSchedule s = new LearningRateSchedule.WarmupCosine(0, 100, 2f, 0f);
        assertEquals(2f, s.at(0), 1e-6f);
        assertEquals(1f, s.at(50), 1e-6f);
    }

    @Test
    void rejectsTotalBeforeWarmup() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.WarmupCosine(10, 5, 1f, 0f));
    }
}
