package dev.joule.energy.meter.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CounterAccumulatorTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void plainIncreaseIsAdded() {
        CounterAccumulator acc = new CounterAccumulator(1_000_000_000, 1000);
        acc.update(100, 0);
        assertEquals(500, acc.update(600, SECOND));
        assertEquals(500, acc.totalMicroJoules());
    }

    @Test
    void wrapAddsTheRange() {
        CounterAccumulator acc = new CounterAccumulator(10_000_000_000L, 1000);
        acc.update(9_999_999_000L, 0);
        assertEquals(1_500, acc.update(500, SECOND));
        assertEquals(0, acc.droppedIntervals());
    }

    @Test
    void decreaseWithUnknownRangeIsDroppedNotNegative() {
        CounterAccumulator acc = new CounterAccumulator(-1, 1000);
        acc.update(5_000, 0);
        assertEquals(0, acc.update(1_000, SECOND));
        assertEquals(0, acc.totalMicroJoules());
        assertEquals(1, acc.droppedIntervals());
        assertEquals(2_000, acc.update(3_000, 2 * SECOND), "counting resumes from the new value");
    }

    @Test
    void resetToASmallValueIsDropped() {
        CounterAccumulator acc = new CounterAccumulator(262_143_328_850L, 1000);
        acc.update(100_000_000_000L, 0);
        acc.update(100_000_050_000L, SECOND);
        assertEquals(0, acc.update(20_000, 2 * SECOND), "a wrap would mean 162 kJ in one second");
        assertEquals(50_000, acc.totalMicroJoules());
        assertEquals(1, acc.droppedIntervals());
    }

    @Test
    void glitchForwardAndBackIsDroppedBothWays() {
        CounterAccumulator acc = new CounterAccumulator(262_143_328_850L, 1000);
        acc.update(1_000_000, 0);
        acc.update(200_000_000_000L, SECOND);
        acc.update(3_000_000, 2 * SECOND);
        acc.update(4_000_000, 3 * SECOND);
        assertEquals(1_000_000, acc.totalMicroJoules());
        assertEquals(2, acc.droppedIntervals());
    }

    @Test
    void rangeSmallerThanOneIntervalOfMaximumPowerIsAmbiguousAndDropped() {
        // 1000 W for 1 s is 1e9 uJ: a 1e8 uJ counter could have wrapped any number of times.
        CounterAccumulator acc = new CounterAccumulator(100_000_000, 1000);
        acc.update(10, 0);
        assertEquals(0, acc.update(20, SECOND));
        assertEquals(1, acc.droppedIntervals());
    }

    /**
     * Random monotone energy traces seen through a wrapping counter with resets. A reset that
     * looks exactly like a wrap cannot be told apart from one by anybody, so the generator keeps
     * resets detectable (the counter was more than one interval of full power into its range).
     */
    @Property(tries = 300)
    void reconstructedEnergyMatchesTruthWithinOneMicrojouleAndNeverDecreases(
            @ForAll @LongRange(min = 20_000_000_000L, max = 300_000_000_000L) long range,
            @ForAll @IntRange(min = 1, max = 400) int steps, @ForAll long seed) {
        double maxWatts = 1000;
        Random random = new Random(seed);
        CounterAccumulator acc = new CounterAccumulator(range, maxWatts);
        long counter = Math.floorMod(random.nextLong(), range);
        long nanos = 0;
        acc.update(counter, nanos);
        long truth = 0;
        long previousTotal = 0;
        List<String> log = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            long dtNanos = SECOND / 10 + random.nextInt(2 * (int) (SECOND / 10));
            nanos += dtNanos;
            long allowed = (long) (maxWatts * dtNanos / 1e9 * 1e6);
            long increment = random.nextInt(4) == 0 ? 0 : (long) (random.nextDouble() * allowed);
            boolean reset = random.nextInt(25) == 0 && counter > allowed && counter + 2 * allowed < range;
            if (reset) {
                counter = increment; // the driver restarted the counter from 0 during this interval
                log.add("reset");
            } else {
                counter = (counter + increment) % range;
                truth += increment;
            }
            acc.update(counter, nanos);
            assertTrue(acc.totalMicroJoules() >= previousTotal, "energy never decreases");
            previousTotal = acc.totalMicroJoules();
        }
        assertEquals(truth, acc.totalMicroJoules(), 1.0, "resets: " + log.size());
        assertEquals(log.size(), acc.droppedIntervals());
    }
}
