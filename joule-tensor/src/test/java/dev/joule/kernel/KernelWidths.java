package dev.joule.kernel;

import java.util.ArrayList;
import java.util.List;

/** The vector kernels at every width this machine offers, for differential tests. */
final class KernelWidths {
    private KernelWidths() {}

    static List<VectorKernels> all() {
        List<VectorKernels> out = new ArrayList<>();
        for (int bits = 128; bits <= VectorKernels.preferredBits(); bits *= 2) {
            out.add(VectorKernels.forBits(bits));
        }
        return out;
    }
}
