package dev.joule.autograd;

/** Whether ops on this thread record the graph. Inference turns it off with {@link NoGrad}. */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    static boolean set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean old = flag[0];
        flag[0] = enabled;
        return old;
    }
}
