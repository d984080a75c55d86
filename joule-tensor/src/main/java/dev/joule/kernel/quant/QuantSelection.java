package dev.joule.kernel.quant;

import dev.joule.kernel.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the quantized kernels once: the vector ones exactly when the f32 kernels chose the Vector
 * API (so {@code -Djoule.kernels=scalar}, a missing {@code jdk.incubator.vector} module or a VM
 * without C2 fall back to the scalar reference here too). Nothing here links the Vector API; the
 * vector class is only loaded through {@link VectorQuantChoice} after that decision.
 */
final class QuantSelection {
    private static final Logger LOG = LoggerFactory.getLogger(QuantSelection.class);

    static final QuantKernels ACTIVE = choose();

    private QuantSelection() {}

    private static QuantKernels choose() {
        QuantKernels chosen = Kernels.get().name().startsWith("vector")
                ? VectorQuantChoice.create()
                : new ScalarQuantKernels();
        LOG.info("quantized kernels: {}", chosen.name());
        return chosen;
    }
}
