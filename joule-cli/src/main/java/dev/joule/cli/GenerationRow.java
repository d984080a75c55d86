package dev.joule.cli;

/**
 * One measurement of {@code joule bench-generate}: a model generating {@code tokens} tokens greedily after a
 * prompt of {@code context} tokens.
 *
 * @param stateFloats        floats of step state per stream at the context (KV cache or recurrent state)
 * @param constantState      true for a recurrent state, false for a growing KV cache
 * @param prefillSeconds     wall time to step through the prompt
 * @param generationSeconds  wall time of the measured generation (warm-up excluded)
 * @param msPerTokenP50      median wall time of one generated token's step
 * @param joulesPerToken     the generation window's energy divided by the tokens; NaN when unknown
 * @param energySource       the meters summed into it, e.g. {@code rapl-pkg} or {@code model-cpu-time}
 * @param energyIsEstimate   true when any source is a model, not a counter
 * @param belowResolution    true when the window was shorter than a meter's resolution (its energy is then the
 *                           run's mean power times the window's duration)
 */
record GenerationRow(String model, int context, int tokens, long stateFloats, boolean constantState,
                     double prefillSeconds, double generationSeconds, double msPerTokenP50, double joulesPerToken,
                     String energySource, boolean energyIsEstimate, boolean belowResolution) {

    double tokensPerSecond() {
        return tokens / generationSeconds;
    }

    long stateBytes() {
        return stateFloats * Float.BYTES;
    }

    String stateKind() {
        return constantState ? "recurrent state" : "kv cache";
    }
}
