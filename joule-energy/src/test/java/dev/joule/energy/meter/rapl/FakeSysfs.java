package dev.joule.energy.meter.rapl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds powercap trees the way the kernel lays them out: zones nested under
 * devices/virtual/powercap/CONTROL_TYPE, and class/powercap/ID symlinks to each of them.
 */
final class FakeSysfs {
    static final long MAX_RANGE = 262_143_328_850L;
    private final Path root;

    FakeSysfs(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Adds a zone; {@code id} like intel-rapl:0:2 or intel-rapl-mmio:0. */
    Path zone(String id, String name, long energyMicroJoules) throws IOException {
        String controlType = id.substring(0, id.indexOf(':'));
        String[] numbers = id.substring(id.indexOf(':') + 1).split(":");
        Path dir = root.resolve("devices/virtual/powercap").resolve(controlType);
        StringBuilder current = new StringBuilder(controlType);
        for (String n : numbers) {
            current.append(':').append(n);
            dir = dir.resolve(current.toString());
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("name"), name + "\n");
        Files.writeString(dir.resolve("max_energy_range_uj"), MAX_RANGE + "\n");
        Files.writeString(dir.resolve("energy_uj"), energyMicroJoules + "\n");
        Path link = root.resolve("class/powercap").resolve(id);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, dir);
        return dir;
    }

    void set(String id, long energyMicroJoules) throws IOException {
        Files.writeString(root.resolve("class/powercap").resolve(id).resolve("energy_uj"), energyMicroJoules + "\n");
    }
}
