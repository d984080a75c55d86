package dev.joule.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Loading one of Joule's native libraries, shipped inside the jar for linux-x86_64 (ADR 0004, ADR 0010):
 * the checks before anything is loaded, the copy to a temporary file, the binding, and the checks the
 * library itself exports (its ABI version and its own CPUID test). Every failure is one line for the log.
 */
public final class NativeResource {
    private NativeResource() {}

    /**
     * A library: {@code resource} next to {@code owner}'s classes, {@code purpose} names its kernel in messages
     * ("the native f32 kernel"), {@code cpuFlags} must be in {@code /proc/cpuinfo}, {@code cpuFeature} is what
     * its CPUID test looks for ("AVX-512"), {@code abiVersion} what its version function must return.
     */
    public record Library(Class<?> owner, String resource, String purpose, List<String> cpuFlags, String cpuFeature,
                          int abiVersion) {
        /** The file name ("libjoulegemm.so"). */
        String file() {
            return resource.substring(resource.lastIndexOf('/') + 1);
        }
    }

    /**
     * Loads {@code lib} with {@code bind} (System.load, or JNA's registration) and checks it through its
     * exported {@code abiVersion} and {@code cpuSupported} (1 when its CPUID test passes). Empty when the
     * library is bound and usable; otherwise why not.
     */
    public static Optional<String> load(Library lib, Consumer<Path> bind, IntSupplier abiVersion, IntSupplier cpuSupported) {
        Optional<String> unusable = unusable(lib);
        if (unusable.isPresent()) {
            return unusable;
        }
        try {
            bind.accept(extract(lib));
            int abi = abiVersion.getAsInt();
            if (abi != lib.abiVersion()) {
                return Optional.of(lib.file() + " has ABI " + abi + ", expected " + lib.abiVersion()
                        + " (stale build; rebuild joule-tensor)");
            }
            if (cpuSupported.getAsInt() != 1) {
                return Optional.of(lib.file() + " reports that this CPU lacks " + lib.cpuFeature() + " (CPUID)");
            }
            return Optional.empty();
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError (a binding library missing), I/O
            return Optional.of(lib.file() + " did not load: " + e);
        }
    }

    /** Why {@code lib} cannot be used before anything is loaded: another platform, a CPU without its flags, a build without it. */
    private static Optional<String> unusable(Library lib) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("no " + lib.purpose() + " for " + os + "/" + arch + " (only linux-x86_64 is built)");
        }
        Optional<String> cpu = CpuFlags.missing(lib.purpose(), lib.cpuFlags().toArray(String[]::new));
        if (cpu.isPresent()) {
            return cpu;
        }
        if (lib.owner().getResource(lib.resource()) == null) {
            return Optional.of(lib.file() + " is not in this build (built only where gcc exists, Maven profile 'native')");
        }
        return Optional.empty();
    }

    /** Copies the library to a new temporary file, deleted at exit. */
    private static Path extract(Library lib) throws IOException {
        Path file = Files.createTempFile(lib.file().replace(".so", ""), ".so");
        file.toFile().deleteOnExit();
        try (InputStream in = lib.owner().getResourceAsStream(lib.resource())) {
            if (in == null) {
                throw new IOException(lib.resource() + " vanished from the classpath");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
