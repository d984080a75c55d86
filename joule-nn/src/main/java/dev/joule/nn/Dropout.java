package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;
import java.util.random.RandomGenerator;

/** Inverted dropout: zeroes with probability p and scales the rest by 1/(1−p) in training; identity in evaluation. */
public final class Dropout extends Module {
    private final float p;
    private final RandomGenerator rng;

    public Dropout(float p, RandomGenerator rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Var forward(Var x) {
        return isTraining() && p > 0 ? Ops.dropout(x, p, rng) : x;
    }

    public float p() {
        return p;
    }
}
