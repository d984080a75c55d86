package dev.joule.nn;

import dev.joule.autograd.Ops;
import dev.joule.autograd.Var;

/** Max over {@code kernel × kernel} windows of {@code [N, C, H, W]}, moved by {@code stride}. */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;

    public MaxPool2d(int kernel) {
        this(kernel, kernel);
    }

    public MaxPool2d(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    public Var forward(Var x) {
        return Ops.maxPool2d(x, kernel, stride);
    }
}
