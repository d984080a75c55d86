package dev.joule.models;

import dev.joule.autograd.NoGrad;
import dev.joule.models.rnn.RecurrentModel;
import dev.joule.models.rnn.RecurrentState;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Autoregressive sampling from a {@link RecurrentModel} one token at a time: the prompt is fed through
 * {@link RecurrentModel#step}, then each chosen token is fed back. Work and memory per token are constant,
 * however long the text grows, and there is no context window to crop. Picks tokens exactly as
 * {@link Sampler} does, so with the same seed both produce the same text while the whole text fits
 * {@link Sampler}'s context.
 */
public final class StreamingSampler {
    private final RecurrentModel model;

    public StreamingSampler(RecurrentModel model) {
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
        SplittableRandom rng = new SplittableRandom(seed);
        int[] out = new int[tokens];
        model.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            RecurrentState state = model.initialState(1);
            Tensor logits = null;
            for (int id : prompt) {
                logits = model.step(state, Tensor.of(new float[] {id}, 1)).value();
            }
            for (int n = 0; n < tokens; n++) {
                int vocab = logits.cols();
                int next = Sampler.pick(logits.data(), logits.offset(), vocab, temperature, topK, rng);
                out[n] = next;
                onToken.accept(next);
                if (n + 1 < tokens) {
                    logits = model.step(state, Tensor.of(new float[] {next}, 1)).value();
                }
            }
        }
        return Arrays.copyOf(out, tokens);
    }

    public int[] generate(int[] prompt, int tokens, float temperature, int topK, long seed) {
        return generate(prompt, tokens, temperature, topK, seed, t -> { });
    }
}
