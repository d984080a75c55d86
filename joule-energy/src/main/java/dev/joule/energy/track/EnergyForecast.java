package dev.joule.energy.track;

import dev.joule.energy.carbon.CarbonAccount;
import dev.joule.energy.carbon.CarbonSettings;
import java.util.List;

/**
 * Total energy of a job of known length, predicted from its first steps (CarbonTracker's idea): the
 * energy so far plus the remaining steps at the mean per-step energy seen, with a 95 % interval
 * from the spread of per-step energies (steps taken as independent). Energy before the first step
 * (start-up) is counted once, not extrapolated.
 *
 * @param stepsDone steps seen
 * @param totalSteps the job's length
 * @param predictedJoules predicted IT energy of the whole job
 * @param lowJoules lower end of the 95 % interval
 * @param highJoules upper end of the 95 % interval
 * @param predictedSeconds predicted duration
 * @param predictedCarbon IT energy, facility overhead and emissions for the predicted energy
 */
public record EnergyForecast(long stepsDone, long totalSteps, double predictedJoules, double lowJoules,
        double highJoules, double predictedSeconds, CarbonAccount predictedCarbon) {

    /**
     * @param steps per step, {elapsed seconds since start, cumulative joules since start} at its end
     */
    public static EnergyForecast predict(List<double[]> steps, long totalSteps, CarbonSettings carbon) {
        int n = steps.size();
        if (n == 0) {
            throw new IllegalStateException("no steps recorded yet: call run.step() after each step before forecasting");
        }
        if (totalSteps < n) {
            throw new IllegalArgumentException("total steps " + totalSteps + " is less than the " + n + " steps done");
        }
        double[] last = steps.get(n - 1);
        long remaining = totalSteps - n;
        if (n == 1) {
            // One step: its energy includes start-up, the only estimate there is; no spread to speak of.
            double joules = last[1] * totalSteps;
            return new EnergyForecast(n, totalSteps, joules, Double.NaN, Double.NaN, last[0] * totalSteps,
                    carbon.account(joules));
        }
        double[] first = steps.get(0);
        double meanJoules = (last[1] - first[1]) / (n - 1);
        double meanSeconds = (last[0] - first[0]) / (n - 1);
        double sumSquares = 0;
        for (int i = 1; i < n; i++) {
            double d = steps.get(i)[1] - steps.get(i - 1)[1] - meanJoules;
            sumSquares += d * d;
        }
        double sd = n > 2 ? Math.sqrt(sumSquares / (n - 2)) : 0;
        double predicted = last[1] + remaining * meanJoules;
        double halfWidth = 1.96 * sd * Math.sqrt(remaining);
        return new EnergyForecast(n, totalSteps, predicted, Math.max(last[1], predicted - halfWidth),
                predicted + halfWidth, last[0] + remaining * meanSeconds, carbon.account(predicted));
    }
}
