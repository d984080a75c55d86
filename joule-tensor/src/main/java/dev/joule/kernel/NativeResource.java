package dev.joule.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A native library shipped inside the jar, copied out to a temporary file so that it can be loaded. */
public final class NativeResource {
    private NativeResource() {}

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
