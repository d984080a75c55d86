package dev.joule.models;

import dev.joule.autograd.NoGrad;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Autoregressive sampling from a {@link StepModel} one token at a time: the prompt is fed through
 * {@link StepModel#step}, then each chosen token is fed back. A recurrent model's work and memory per token
 * are constant however long the text grows; a Transformer's key/value cache grows by one position per token.
 * Picks tokens exactly as {@link Sampler} does, so with the same seed both produce the same text while the
 * whole text fits {@link Sampler}'s context.
 *
 * <p><b>A full cache slides.</b> A Transformer's cache holds at most {@code seqLen} positions, and its
 * absolute position embeddings mean cached keys cannot simply be shifted. When the cache is full and another
 * token must be fed, the sampler starts a fresh cache and re-encodes the last {@code seqLen / 2} tokens of the
 * text (then feeds the new one), so the extra work is about one step per generated token on average. From then
 * on the text can differ from {@link Sampler}'s, which always re-reads a full window. A prompt longer than the
 * context is cropped to its last {@code seqLen} tokens, as {@link Sampler} does.
 */
public final class StreamingSampler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingSampler.class);

    private final StepModel<?> model;

    public StreamingSampler(StepModel<?> model) {
        this.model = model;
    }

    /**
     * Samples {@code tokens} ids after {@code prompt}, handing each to {@code onToken}; {@code temperature <= 0}
     * is greedy, {@code topK <= 0} keeps the whole vocabulary.
     */
    public int[] generate(int[] prompt, int tokens, float temperature, int topK, long seed, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("sampling needs a prompt of at least one token");
        }
        model.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            return new Run<>(model, Arrays.copyOf(prompt, prompt.length + tokens), prompt.length)
                    .generate(tokens, temperature, topK, new SplittableRandom(seed), onToken);
        }
    }

    public int[] generate(int[] prompt, int tokens, float temperature, int topK, long seed) {
        return generate(prompt, tokens, temperature, topK, seed, t -> { });
    }

    /** One generation: the text so far ({@code seq[0, len)}) and the state that has consumed its tail. */
    private static final class Run<S extends StepState> {
        private final StepModel<S> model;
        private final int[] seq;
        private final int promptLength;
        private int len;
        private S state;

        Run(StepModel<S> model, int[] seq, int promptLength) {
            this.model = model;
            this.seq = seq;
            this.promptLength = promptLength;
            this.state = model.initialState(1);
        }

        int[] generate(int tokens, float temperature, int topK, SplittableRandom rng, IntConsumer onToken) {
            int skip = Math.max(0, promptLength - state.remainingSteps());
            Tensor logits = null;
            for (len = skip; len < promptLength; ) {
                logits = feed(seq[len]);
            }
            for (int n = 0; n < tokens; n++) {
                int next = Sampler.pick(logits.data(), logits.offset(), logits.cols(), temperature, topK, rng);
                onToken.accept(next);
                if (n + 1 < tokens) {
                    logits = feed(next);
                } else {
                    seq[len++] = next;
                }
            }
            return Arrays.copyOfRange(seq, promptLength, len);
        }

        /** Steps {@code id} (stored at {@code seq[len]}), sliding a full cache first. */
        private Tensor feed(int id) {
            if (state.remainingSteps() == 0) {
                slide();
            }
            seq[len++] = id;
            return model.step(state, Tensor.of(new float[] {id}, 1)).value();
        }

        private void slide() {
            S fresh = model.initialState(1);
            int keep = Math.min(len, fresh.remainingSteps() / 2);
            LOG.debug("context full at {} tokens: re-encoding the last {}", len, keep);
            for (int i = len - keep; i < len; i++) {
                model.step(fresh, Tensor.of(new float[] {seq[i]}, 1));
            }
            state = fresh;
        }
    }
}
