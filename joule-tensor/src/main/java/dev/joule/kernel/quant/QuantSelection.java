package dev.joule.kernel.quant;

import dev.joule.kernel.Kernels;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the quantized kernels once. The Java choice: the vector ones exactly when the f32 kernels
 * chose the Vector API (so {@code -Djoule.kernels=scalar}, a missing {@code jdk.incubator.vector}
 * module or a VM without C2 fall back to the scalar reference here too). Nothing here links the
 * Vector API; the vector class is only loaded through {@link VectorQuantChoice} after that decision.
 *
 * <p>On top of it, the native W8A8 kernel ({@link NativeQuantKernels}, ADR 0010) when the CPU has
 * AVX-512 VNNI, the library is in the jar and loads, and its self-test matches the scalar reference;
 * otherwise the Java choice, with the reason logged once. {@code -Djoule.quant=auto|native|vector|scalar}
 * (default {@code auto}): {@code native} is {@code auto} that warns when it falls back, {@code vector}
 * skips the native kernel, {@code scalar} forces the reference.
 */
final class QuantSelection {
    private static final Logger LOG = LoggerFactory.getLogger(QuantSelection.class);

    static final QuantKernels ACTIVE = choose();

    private QuantSelection() {}

    private static QuantKernels choose() {
        String mode = System.getProperty("joule.quant", "auto").trim().toLowerCase(Locale.ROOT);
        QuantKernels java = mode.equals("scalar") ? new ScalarQuantKernels() : javaChoice();
        // Lambdas, not method references: NativeQuantKernels (and JNA) are resolved only when called.
        return choose(mode, java, weightOnly -> NativeQuantKernels.create(weightOnly), k -> NativeQuantSelfTest.run(k));
    }

    private static QuantKernels javaChoice() {
        return Kernels.get().name().startsWith("vector") ? VectorQuantChoice.create() : new ScalarQuantKernels();
    }

    /** The decision, with the native loader and self-test passed in so that tests can stand them in. */
    static QuantKernels choose(String mode, QuantKernels java,
                               Function<QuantKernels, NativeQuantKernels.Availability> loadNative,
                               Function<QuantKernels, Optional<String>> selfTest) {
        switch (mode) {
            case "scalar", "vector" -> {
                LOG.info("quantized kernels: {} (forced by -Djoule.quant={})", java.name(), mode);
                return java;
            }
            case "auto", "native" -> { }
            default -> throw new IllegalArgumentException(
                    "-Djoule.quant must be auto, native, vector or scalar, got '" + mode + "'");
        }
        String reason;
        NativeQuantKernels.Availability loaded = null;
        try {
            loaded = loadNative.apply(java);
            reason = loaded.reason();
        } catch (LinkageError e) { // JNA missing from a hand-made classpath
            reason = "the native binding did not link: " + e;
        }
        if (reason == null) {
            reason = selfTest.apply(loaded.kernels()).orElse(null);
            if (reason == null) {
                LOG.info("quantized kernels: {}", loaded.kernels().name());
                return loaded.kernels();
            }
        }
        if (mode.equals("native")) {
            LOG.warn("quantized kernels: {} (-Djoule.quant=native, but {})", java.name(), reason);
        } else {
            LOG.info("quantized kernels: {} (no native kernel: {})", java.name(), reason);
        }
        return java;
    }
}
