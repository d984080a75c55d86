package dev.joule.cli;

import dev.joule.train.TrainingListener.StepEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Training seconds of each whole epoch this process saw, from the step events (evaluation
 * excluded). The first epoch carries the JIT warm-up, so comparisons with other frameworks quote the
 * median. An epoch a resumed run entered half-way is not counted.
 */
final class EpochTimes {
    private final List<Double> seconds = new ArrayList<>();
    private long epoch = -1;
    private long boundaryNanos;
    private boolean wholeEpoch;

    void onStart(long startStep) {
        wholeEpoch = startStep == 0;
        epoch = wholeEpoch ? 0 : -1;
    }

    void onStep(StepEvent e) {
        if (epoch < 0) {
            epoch = e.epoch();
            boundaryNanos = e.elapsedNanos();
            return;
        }
        if (e.epoch() > epoch) {
            if (wholeEpoch) {
                seconds.add((e.elapsedNanos() - boundaryNanos) / 1e9);
            }
            boundaryNanos = e.elapsedNanos();
            epoch = e.epoch();
            wholeEpoch = true;
        }
    }

    List<Double> seconds() {
        return List.copyOf(seconds);
    }

    /** The median epoch time, or NaN when no whole epoch was seen. */
    double median() {
        if (seconds.isEmpty()) {
            return Double.NaN;
        }
        double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return Arrays.toString(seconds.toArray());
    }
}
