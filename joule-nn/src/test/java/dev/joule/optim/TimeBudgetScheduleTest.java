package dev.joule.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeBudgetScheduleTest {
    private static final long BUDGET = 1_000_000_000L;

    @Test
    void warmsUpDecaysAndEndsAtMinFollowingTheClockNotTheStep() {
        AtomicLong clock = new AtomicLong();
        TimeBudgetSchedule s = new TimeBudgetSchedule(BUDGET, 0.1, 0, 1e-3f, 1e-5f, clock::get);
        assertEquals(1e-5f, s.at(0), 1e-9f, "the floor keeps the first step's rate above zero");
        clock.set(BUDGET / 20);
        assertEquals(0.5e-3f, s.at(7), 1e-9f, "half-way through the warm-up");
        clock.set(BUDGET / 10);
        assertEquals(1e-3f, s.at(7), 1e-9f, "peak at the end of the warm-up, whatever the step");
        clock.set(BUDGET * 55 / 100);
        assertEquals((1e-3f + 1e-5f) / 2, s.at(1), 1e-8f, "half-way through the decay");
        clock.set(BUDGET);
        assertEquals(1e-5f, s.at(1_000_000), 0f);
        clock.set(3 * BUDGET);
        assertEquals(1e-5f, s.at(2), 0f);
    }

    @Test
    void slowFirstStepsStillRampUpOverTheMinimumSteps() {
        AtomicLong clock = new AtomicLong(BUDGET / 5);
        TimeBudgetSchedule s = new TimeBudgetSchedule(BUDGET, 0.05, 20, 2e-3f, 1e-4f, clock::get);
        // A fifth of the budget went into the first steps (JIT, a loaded machine): the clock says peak, the steps cap it.
        assertEquals(1e-4f, s.at(0), 1e-9f);
        assertEquals(1e-3f, s.at(9), 1e-9f);
        assertEquals(s.atFraction(0.2), s.at(20), 0f, "after the minimum steps the clock alone decides");
        assertTrue(s.atFraction(0.2) < 2e-3f);
    }

    @Test
    void decayIsMonotoneAfterTheWarmUp() {
        TimeBudgetSchedule s = new TimeBudgetSchedule(BUDGET, 0.05, 0, 3e-3f, 3e-5f, () -> 0);
        float previous = Float.MAX_VALUE;
        for (double f = 0.05; f <= 1.0; f += 0.01) {
            float lr = s.atFraction(f);
            assertTrue(lr <= previous && lr >= 3e-5f, "f=" + f + " lr=" + lr);
            previous = lr;
        }
    }

    @Test
    void rejectsNonsenseWithTheValuesInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimeBudgetSchedule(0, 0.1, 0, 1e-3f, 0f, () -> 0));
        assertTrue(e.getMessage().contains("budgetNanos"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TimeBudgetSchedule(BUDGET, 1.0, 0, 1e-3f, 0f, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new TimeBudgetSchedule(BUDGET, 0.1, 0, 1e-3f, 2e-3f, () -> 0));
    }
}
