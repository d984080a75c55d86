package dev.joule.cli;

/**
 * One measurement of {@code joule bench-generate}: a model generating {@code tokens} tokens greedily after a
 * prompt of {@code context} tokens.
 *
 * @param passes             how many times the generation ran from the same prompt state in the window
 * @param stateFloats        floats of step state per stream at the context (KV cache or recurrent state)
 * @param constantState      true for a recurrent state, false for a growing KV cache
 * @param prefillSeconds     wall time to step through the prompt
 * @param generationSeconds  summed wall time of the measured steps of every pass (warm-up excluded)
 * @param medianPassSeconds  the median over passes of one pass's summed step time: tokens/s is {@code tokens} over
 *                           it, so a pass the OS preempted on a busy machine does not drag the figure down
 * @param msPerTokenP50      median over passes of the median step time of one generated token
 * @param joulesPerToken     the generation window's energy divided by the tokens of every pass; NaN when unknown
 * @param energySource       the meters summed into it, e.g. {@code rapl-pkg} or {@code model-cpu-time}
 * @param energyIsEstimate   true when any source is a model, not a counter
 * @param belowResolution    true when the window was shorter than a meter's resolution (its energy is then the
 *                           run's mean power times the window's duration)
 */
record GenerationRow(String model, int context, int tokens, int passes, long stateFloats, boolean constantState,
                     double prefillSeconds, double generationSeconds, double medianPassSeconds, double msPerTokenP50,
                     double joulesPerToken, String energySource, boolean energyIsEstimate, boolean belowResolution) {

    double tokensPerSecond() {
        return tokens / medianPassSeconds;
    }

    long stateBytes() {
        return stateFloats * Float.BYTES;
    }

    String stateKind() {
        return constantState ? "recurrent state" : "kv cache";
    }
}
