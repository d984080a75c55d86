package dev.joule.autograd;

/**
 * A scope in which ops build no graph: {@code try (var g = NoGrad.enter()) { model.forward(x); }}.
 * Scopes nest; closing restores the previous mode.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad() {
        previous = GradMode.set(false);
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        GradMode.set(previous);
    }
}
