package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import dev.joule.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A lookup table {@code weight [vocab, dim]}: ids of any shape (integers stored as floats) become
 * {@code [...ids, dim]}. PyTorch initialises it from N(0, 1); transformers use N(0, 0.02²).
 */
public final class Embedding extends Module {
    private final Var weight;

    public Embedding(int vocab, int dim, RandomGenerator rng) {
        this(vocab, dim, 1f, rng);
    }

    public Embedding(int vocab, int dim, float std, RandomGenerator rng) {
        this.weight = param("weight", Init.normal(rng, std, vocab, dim));
    }

    public Var forward(Tensor ids) {
        return Ops.embedding(weight, ids);
    }

    /** The ids are read from {@code x}'s value; no gradient flows to them. */
    @Override
    public Var forward(Var x) {
        return forward(x.value());
    }

    public Var weight() {
        return weight;
    }
}
