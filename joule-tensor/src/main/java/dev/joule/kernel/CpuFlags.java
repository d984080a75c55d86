package dev.joule.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** The CPU feature flags Linux reports in {@code /proc/cpuinfo}, read before any native code is loaded. */
public final class CpuFlags {
    private CpuFlags() {}

    /**
     * Empty when every flag is present; otherwise which are missing (or why they could not be read),
     * naming {@code purpose} ("the native int8 kernel").
     */
    public static Optional<String> missing(String purpose, String... required) {
        Set<String> flags;
        try {
            flags = parse(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot read /proc/cpuinfo for the CPU flags: " + e.getMessage());
        }
        StringBuilder absent = new StringBuilder();
        for (String flag : required) {
            if (!flags.contains(flag)) {
                absent.append(absent.length() == 0 ? "" : ", ").append(flag);
            }
        }
        return absent.length() == 0 ? Optional.empty()
                : Optional.of("the CPU lacks " + absent + " (needed by " + purpose + ")");
    }

    /** The flags of the first processor entry. */
    public static Set<String> parse(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")) {
                int colon = line.indexOf(':');
                return new HashSet<>(Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
            }
        }
        return Set.of();
    }
}
