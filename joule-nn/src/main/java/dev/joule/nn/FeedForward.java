package dev.joule.nn;

import dev.joule.autograd.Var;
import java.util.random.RandomGenerator;

/** The position-wise MLP of a Transformer block: {@code down(act(up(x)))}, {@code d → ff → d}. */
public final class FeedForward extends Module {
    private final Linear up;
    private final Activation.Kind activation;
    private final Linear down;

    public FeedForward(int dModel, int ffDim, Activation.Kind activation, RandomGenerator rng) {
        this(new Linear(dModel, ffDim, true, rng), activation, new Linear(ffDim, dModel, true, rng));
    }

    public FeedForward(Linear up, Activation.Kind activation, Linear down) {
        this.up = register("up", up);
        this.activation = activation;
        this.down = register("down", down);
    }

    @Override
    public Var forward(Var x) {
        return down.forward(Activation.apply(activation, up.forward(x)));
    }
}
