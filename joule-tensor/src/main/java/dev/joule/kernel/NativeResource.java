package dev.joule.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/** A native library shipped inside the jar, copied out to a temporary file so that it can be loaded. */
public final class NativeResource {
    private NativeResource() {}

    /**
     * Why a library built for linux-x86_64 ({@code resource}, next to {@code owner}'s classes) cannot be
     * used here before anything is loaded: another platform, a CPU without the {@code flags}
     * ({@code /proc/cpuinfo}), or a build without it. Empty when it may be loaded. {@code purpose} names
     * the kernel in the message ("the native f32 kernel").
     */
    public static Optional<String> unusable(Class<?> owner, String resource, String purpose, String... flags) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("no " + purpose + " for " + os + "/" + arch + " (only linux-x86_64 is built)");
        }
        Optional<String> cpu = CpuFlags.missing(purpose, flags);
        if (cpu.isPresent()) {
            return cpu;
        }
        if (owner.getResource(resource) == null) {
            String file = resource.substring(resource.lastIndexOf('/') + 1);
            return Optional.of(file + " is not in this build (built only where gcc exists, Maven profile 'native')");
        }
        return Optional.empty();
    }

    /** Copies {@code resource} (next to {@code owner}'s classes) to a new temporary file, deleted at exit. */
    public static Path extract(Class<?> owner, String resource, String prefix) throws IOException {
        Path file = Files.createTempFile(prefix, ".so");
        file.toFile().deleteOnExit();
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " vanished from the classpath");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
