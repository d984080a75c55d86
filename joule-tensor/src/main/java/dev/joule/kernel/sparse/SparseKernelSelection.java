package dev.joule.kernel.sparse;

import dev.joule.kernel.Kernels;

/**
 * Follows the dense kernels' one decision ({@code dev.joule.kernel.KernelSelection}): the vector
 * sparse kernels are only loaded when the dense ones are vector kernels, so a JVM without
 * {@code jdk.incubator.vector} never links against it here either.
 */
final class SparseKernelSelection {
    static final SparseKernels ACTIVE = choose();

    private SparseKernelSelection() {}

    private static SparseKernels choose() {
        if (Kernels.get().name().startsWith("vector")) {
            return VectorSparseKernels.create();
        }
        return new ScalarSparseKernels();
    }
}
