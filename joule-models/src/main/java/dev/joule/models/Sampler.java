package dev.joule.models;

import dev.joule.autograd.NoGrad;
import dev.joule.nn.Model;
import dev.joule.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Autoregressive sampling from a causal language model: feed the last {@code contextLen} tokens, take the
 * logits at the last position, pick the next token, repeat. Without a KV cache each step re-runs the
 * cropped context, which is fine for a few hundred characters. Sampling switches the model to evaluation
 * mode (dropout off) and leaves it there.
 */
public final class Sampler {
    private final Model model;
    private final int contextLen;

    public Sampler(Model model, int contextLen) {
        if (contextLen < 1) {
            throw new IllegalArgumentException("sampling context must be at least 1 token, got " + contextLen);
        }
        this.model = model;
        this.contextLen = contextLen;
    }

    /** Returns the {@code tokens} newly sampled ids (without the prompt). */
    public int[] generate(int[] prompt, int tokens, float temperature, int topK, long seed) {
        return generate(prompt, tokens, temperature, topK, seed, t -> { });
    }

    /**
     * Samples {@code tokens} ids after {@code prompt}, handing each to {@code onToken} as it is chosen.
     * {@code temperature <= 0} is greedy (argmax); {@code topK <= 0} keeps the whole vocabulary. The same
     * seed, prompt and model give the same text.
     */
    public int[] generate(int[] prompt, int tokens, float temperature, int topK, long seed, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("sampling needs a prompt of at least one token");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] seq = Arrays.copyOf(prompt, prompt.length + tokens);
        int len = prompt.length;
        model.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            for (int n = 0; n < tokens; n++) {
                int from = Math.max(0, len - contextLen);
                float[] ids = new float[len - from];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = seq[from + i];
                }
                Tensor logits = model.forward(Tensor.of(ids, 1, ids.length)).value();
                int vocab = logits.cols();
                int next = pick(logits.data(), logits.offset() + (ids.length - 1) * vocab, vocab, temperature, topK, rng);
                seq[len++] = next;
                onToken.accept(next);
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, len);
    }

    /** Chooses one id from the logits {@code l[off, off + vocab)}. */
    static int pick(float[] l, int off, int vocab, float temperature, int topK, SplittableRandom rng) {
        if (temperature <= 0) {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (l[off + i] > l[off + best]) {
                    best = i;
                }
            }
            return best;
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < vocab) {
            float[] sorted = Arrays.copyOfRange(l, off, off + vocab);
            Arrays.sort(sorted);
            cutoff = sorted[vocab - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, l[off + i]);
        }
        double[] p = new double[vocab];
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = l[off + i] < cutoff ? 0 : Math.exp((l[off + i] - max) / temperature);
            total += p[i];
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < vocab; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        for (int i = vocab - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return 0;
    }
}
