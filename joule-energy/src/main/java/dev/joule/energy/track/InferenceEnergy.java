package dev.joule.energy.track;

/**
 * Energy per inference: a window's energy divided by the inferences it ran, with the idle share
 * (what the machine draws doing nothing) shown apart from the active part the inferences caused.
 *
 * @param inferences how many inferences the window ran
 * @param joulesPerInference total energy / inferences
 * @param activeJoulesPerInference (total − idle) / inferences
 * @param idleJoulesPerInference idle share / inferences
 * @param idleSource {@code model} when the meter splits idle itself, {@code baseline} when it came
 *     from a measured idle power, NaN values when neither is known
 */
public record InferenceEnergy(long inferences, double joulesPerInference, double activeJoulesPerInference,
        double idleJoulesPerInference, String idleSource) {

    /** Uses the idle split of the meter (the CPU-time model has one; counters do not). */
    public static InferenceEnergy of(EnergyReport window, long inferences) {
        return split(window, inferences, window.idleJoules(), "model");
    }

    /** Uses a measured idle power, e.g. the mean power of a window in which nothing ran. */
    public static InferenceEnergy of(EnergyReport window, long inferences, double idlePowerWatts) {
        return split(window, inferences, idlePowerWatts * window.durationSeconds(), "baseline");
    }

    private static InferenceEnergy split(EnergyReport window, long inferences, double idleJoules, String source) {
        if (inferences <= 0) {
            throw new IllegalArgumentException("inferences must be > 0, got " + inferences);
        }
        double total = window.totalJoules();
        double idle = Math.min(idleJoules, total);
        return new InferenceEnergy(inferences, total / inferences, (total - idle) / inferences, idle / inferences,
                Double.isNaN(idleJoules) ? "unknown" : source);
    }
}
