package dev.joule.nn;

import dev.joule.autograd.GradMode;
import dev.joule.autograd.Var;
import java.util.random.RandomGenerator;

/**
 * The position-wise MLP of a Transformer block: {@code down(act(up(x)))}, {@code d → ff → d}. In inference,
 * when structured pruning shrank {@code up}'s rows and {@code down}'s columns to the same kept channels, only
 * those channels are computed and activated ({@link NarrowedUnits}).
 */
public final class FeedForward extends Module {
    private final Linear up;
    private final Activation.Kind activation;
    private final Linear down;
    private NarrowedUnits narrowed;

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
        if (!GradMode.isEnabled()) {
            NarrowedUnits n = narrowed();
            if (n != null && n.active()) {
                return n.consume(Activation.apply(activation, n.produce(0, x, up)), down);
            }
        }
        return down.forward(Activation.apply(activation, up.forward(x)));
    }

    /** The kept channels the attached inference forms describe (read again only when the forms change). */
    NarrowedUnits narrowed() {
        NarrowedUnits n = narrowed;
        if (n == null || !n.matches(down, up)) {
            n = NarrowedUnits.read(down, up);
            narrowed = n;
        }
        return n;
    }
}
