package dev.joule.kernel;

/**
 * Builds the vector kernels; a separate class so that {@link KernelSelection} never links against
 * the Vector API before it has checked that the module is present.
 */
final class VectorChoice {
    private VectorChoice() {}

    /** The preferred width, or {@code requestedBits} when it is set and not wider than preferred. */
    static Kernels create(String requestedBits) {
        int preferred = VectorKernels.preferredBits();
        int bits = preferred;
        if (requestedBits != null && !requestedBits.isBlank()) {
            int requested;
            try {
                requested = Integer.parseInt(requestedBits.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Djoule.vector.bits must be 128, 256 or 512, got '"
                        + requestedBits + "'", e);
            }
            if (requested > preferred) {
                throw new IllegalArgumentException("-Djoule.vector.bits=" + requested
                        + " is wider than this CPU's preferred " + preferred + "-bit vectors; use "
                        + preferred + " or less");
            }
            bits = requested;
        }
        return VectorKernels.forBits(bits);
    }
}
