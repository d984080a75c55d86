package dev.joule.energy.meter.rapl;

import java.nio.file.Path;

/**
 * One powercap zone as found in sysfs.
 *
 * @param id the directory name, e.g. {@code intel-rapl:0:2} or {@code intel-rapl-mmio:0}
 * @param controlType {@code intel-rapl} or {@code intel-rapl-mmio}
 * @param name the content of the zone's {@code name} file: {@code package-0}, {@code psys}, {@code dram}, {@code core} ...
 * @param directory the zone directory
 * @param maxRangeMicroJoules {@code max_energy_range_uj}, or -1 when unreadable
 * @param parentId the id of the enclosing zone, or null for a top-level zone
 */
public record RaplZone(String id, String controlType, String name, Path directory, long maxRangeMicroJoules,
        String parentId) {

    public Path energyFile() {
        return directory.resolve("energy_uj");
    }

    public boolean topLevel() {
        return parentId == null;
    }

    public boolean isPackage() {
        return topLevel() && name.startsWith("package");
    }

    public boolean isPsys() {
        return topLevel() && name.equals("psys");
    }

    public boolean isDram() {
        return name.equals("dram");
    }

    public boolean isMmio() {
        return controlType.endsWith("mmio");
    }
}
