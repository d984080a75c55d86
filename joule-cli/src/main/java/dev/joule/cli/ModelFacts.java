package dev.joule.cli;

import dev.joule.models.ModelConfig;
import dev.joule.models.SparseTransformer;
import dev.joule.models.StepModel;
import dev.joule.models.StepState;
import dev.joule.models.TransformerCache;
import dev.joule.nn.Model;

/**
 * Size facts of a built model that do not need training: parameters, analytic MACs (and, for spiking
 * models, ACs) of one inference, and the inference memory besides the weights: a recurrent state, or a
 * transformer LM's KV cache at a full context.
 *
 * @param acsPerInference accumulate-only operations per inference (spiking models; before any measurement
 *                        their analytic upper bound), 0 for the others
 * @param stateFloats     floats held per stream while streaming; -1 when the model has no such state
 * @param stateKind       "recurrent state", "kv cache (full context)", "kv cache, window + strided keys ..." or "-"
 */
record ModelFacts(String name, long parameters, long macsPerInference, long acsPerInference, String macsUnit,
                  long stateFloats, String stateKind) {

    static ModelFacts of(String name, ModelConfig cfg, Model model) {
        boolean images = ModelConfig.FASHION_MNIST.equals(cfg.task());
        // Image models classify one 28x28 image; token models document one forward over a full context window.
        String unit = images ? "per image" : "per window of " + cfg.seqLen() + " tokens";
        long state = -1;
        String kind = "-";
        if (model instanceof StepModel<?> step) {
            StepState s = step.initialState(1);
            if (s.constantSize()) {
                state = s.floatsPerStream();
                kind = "recurrent state";
            } else if (s instanceof TransformerCache cache) {
                state = cache.allocatedFloatsPerStream();
                kind = "kv cache (full context)";
            }
        }
        if (!images && "sparse-transformer".equals(name)) {
            // The fixed pattern at the last position of a full context reads its local window and the strided
            // summary blocks only: a cache that keeps just those keys and values suffices. (Joule's step decoding
            // reuses the dense cache and keeps the whole prefix, stated in the kind.)
            long keys = 0;
            int[] ranges = SparseTransformer.attention(cfg).stepKeyRanges(cfg.seqLen() - 1);
            for (int i = 0; i < ranges.length; i += 2) {
                keys += ranges[i + 1] - ranges[i];
            }
            long held = state;
            state = 2L * cfg.layers() * keys * cfg.dModel();
            kind = "kv cache, window + strided keys" + (held > state ? "; " + held + " held by the step decoder" : "");
        }
        if (state < 0 && !images && "transformer".equals(name)) {
            // Keys and values of every layer for every position of a full context.
            state = 2L * cfg.layers() * cfg.seqLen() * cfg.dModel();
            kind = "kv cache (full context)";
        }
        return new ModelFacts(name, model.parameterCount(), model.macsPerInference(), Math.max(0, model.acsPerInference()),
                unit, state, kind);
    }

    String stateText() {
        return stateFloats < 0 ? "-" : stateFloats + " floats (" + stateKind + ")";
    }
}
