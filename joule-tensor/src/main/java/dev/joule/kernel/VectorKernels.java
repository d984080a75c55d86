package dev.joule.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels at one vector width.
 *
 * <p>The Vector API is only fast when the species is a compile-time constant to C2. The code is
 * written once, in the chain {@link VectorPrimitives} ← {@link VectorGemv} ← ... ← {@link VectorGemm}
 * ← {@link VectorPrepackedGemm} (one file per concern), and reads the species through {@code species()}; each width is a tiny
 * final subclass returning its own {@code static final} species, which C2 inlines and folds.
 * A process normally loads one width (chosen by {@link KernelSelection}); tests load all of them.
 *
 * <p>Only load this class after checking that {@code jdk.incubator.vector} is in the boot layer.
 */
public abstract class VectorKernels extends VectorPrepackedGemm {

    VectorKernels() {}

    /** The vector kernels at {@code bits} = 128, 256 or 512 (lanes of 4, 8 or 16 floats). */
    public static VectorKernels forBits(int bits) {
        return switch (bits) {
            case 128 -> new Width128();
            case 256 -> new Width256();
            case 512 -> new Width512();
            default -> throw new IllegalArgumentException(
                    "vector width must be 128, 256 or 512 bits, got " + bits);
        };
    }

    /** The widest float vector this CPU supports well, in bits. */
    public static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** The vector width in bits. */
    public final int bits() {
        return species().vectorBitSize();
    }

    @Override
    public String name() {
        return "vector " + bits() + "-bit";
    }

    private static final class Width128 extends VectorKernels {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_128;

        @Override
        protected VectorSpecies<Float> species() {
            return SPECIES;
        }
    }

    private static final class Width256 extends VectorKernels {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;

        @Override
        protected VectorSpecies<Float> species() {
            return SPECIES;
        }
    }

    private static final class Width512 extends VectorKernels {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;

        @Override
        protected VectorSpecies<Float> species() {
            return SPECIES;
        }
    }
}
