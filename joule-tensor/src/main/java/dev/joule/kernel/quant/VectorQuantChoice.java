package dev.joule.kernel.quant;

import jdk.incubator.vector.IntVector;

/**
 * Builds the vector kernels at the CPU's preferred width; separate so that {@link QuantSelection}
 * never links the Vector API itself. {@code -Djoule.vector.bits} narrows it as for the f32 kernels. Below 256 bits (SSE, NEON) a byte vector with as many lanes as
 * an int vector would be under the API's 64-bit minimum, so those CPUs get the scalar reference.
 */
final class VectorQuantChoice {
    private VectorQuantChoice() {}

    static QuantKernels create() {
        int bits = Math.min(512, IntVector.SPECIES_PREFERRED.vectorBitSize());
        String requested = System.getProperty("joule.vector.bits");
        if (requested != null && !requested.isBlank()) {
            // Already validated by the f32 kernel selection, which runs first.
            bits = Math.min(bits, Integer.parseInt(requested.trim()));
        }
        return bits >= 256 ? VectorQuantKernels.forBits(bits) : new ScalarQuantKernels();
    }
}
