package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.train.TrainingListener.StepEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochTimesTest {
    private static StepEvent step(long step, long completedEpochs, double elapsedSeconds) {
        return new StepEvent(step, 9, completedEpochs, 1f, 1e-3f, 0f, step * 4, (long) (elapsedSeconds * 1e9));
    }

    @Test
    void freshRunCountsEveryEpochAndTakesTheMedian() {
        EpochTimes t = new EpochTimes();
        t.onStart(0);
        t.onStep(step(1, 0, 1.0));
        t.onStep(step(2, 0, 2.0));
        t.onStep(step(3, 1, 3.0));   // epoch 1 took 3 s (JIT warm-up)
        t.onStep(step(6, 2, 4.0));   // epoch 2 took 1 s
        t.onStep(step(9, 3, 6.0));   // epoch 3 took 2 s
        assertEquals(List.of(3.0, 1.0, 2.0), t.seconds());
        assertEquals(2.0, t.median(), 1e-12);
    }

    @Test
    void resumedRunSkipsTheEpochItEnteredHalfWay() {
        EpochTimes t = new EpochTimes();
        t.onStart(4);
        t.onStep(step(5, 1, 10.0));
        t.onStep(step(6, 2, 11.5));  // epoch 2 was only partly seen
        t.onStep(step(9, 3, 13.0));  // epoch 3 was whole: 1.5 s
        assertEquals(List.of(1.5), t.seconds());
        assertTrue(Double.isNaN(new EpochTimes().median()));
    }
}
