package dev.joule.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementation once, at class initialisation, and logs the choice once.
 *
 * <p>{@code -Djoule.kernels=scalar} forces the reference implementation.
 */
final class KernelSelection {
    private static final Logger LOG = LoggerFactory.getLogger(KernelSelection.class);

    static final Kernels ACTIVE = choose();

    private KernelSelection() {}

    private static Kernels choose() {
        String forced = System.getProperty("joule.kernels", "auto");
        Kernels k = new ScalarKernels();
        LOG.info("kernels: {} ({})", k.name(), forced.equals("scalar") ? "forced by joule.kernels" : "no vector kernels yet");
        return k;
    }
}
