package dev.joule.energy.meter.rapl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds RAPL zones under a sysfs root by reading each zone's {@code name} file, never by assuming
 * what {@code intel-rapl:1} is (on a two-socket server it is package-1, not psys).
 *
 * <p>Zones appear both as links in {@code class/powercap} and nested in
 * {@code devices/virtual/powercap/intel-rapl[-mmio]}; each id is kept once. The parent of
 * {@code intel-rapl:0:2} is {@code intel-rapl:0}.
 */
public final class RaplDiscovery {
    private static final Pattern ZONE_ID = Pattern.compile("([a-z]+-rapl(?:-mmio)?):(\\d+(?::\\d+)*)");
    private static final int MAX_DEPTH = 3;

    private RaplDiscovery() {}

    /** All zones under {@code sysfsRoot} (normally {@code /sys}), sorted by id. */
    public static List<RaplZone> discover(Path sysfsRoot) {
        Map<String, RaplZone> byId = new LinkedHashMap<>();
        walk(sysfsRoot.resolve("class/powercap"), 0, byId);
        // Control types: intel-rapl and intel-rapl-mmio (AMD Zen registers its zones under intel-rapl too).
        walk(sysfsRoot.resolve("devices/virtual/powercap"), 0, byId);
        List<RaplZone> zones = new ArrayList<>(byId.values());
        zones.sort((a, b) -> a.id().compareTo(b.id()));
        return zones;
    }

    private static void walk(Path dir, int depth, Map<String, RaplZone> byId) {
        if (depth > MAX_DEPTH || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        } catch (IOException | SecurityException e) {
            return;
        }
        for (Path child : children) {
            Matcher m = ZONE_ID.matcher(child.getFileName().toString());
            if (m.matches() && Files.isRegularFile(child.resolve("name"))) {
                String id = child.getFileName().toString();
                byId.computeIfAbsent(id, k -> zone(child, m.group(1), m.group(2)));
            }
            if (m.matches() || child.getFileName().toString().matches("[a-z]+-rapl(-mmio)?")) {
                walk(child, depth + 1, byId);
            }
        }
    }

    private static RaplZone zone(Path dir, String controlType, String numbers) {
        String id = controlType + ":" + numbers;
        int lastColon = numbers.lastIndexOf(':');
        String parent = lastColon < 0 ? null : controlType + ":" + numbers.substring(0, lastColon);
        return new RaplZone(id, controlType, readTrimmed(dir.resolve("name"), "?"), dir,
                readLong(dir.resolve("max_energy_range_uj")), parent);
    }

    private static String readTrimmed(Path file, String fallback) {
        try {
            return Files.readString(file).trim();
        } catch (IOException | SecurityException e) {
            return fallback;
        }
    }

    private static long readLong(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | SecurityException | NumberFormatException e) {
            return -1;
        }
    }
}
