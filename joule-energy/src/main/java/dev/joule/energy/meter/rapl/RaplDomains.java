package dev.joule.energy.meter.rapl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The zones to sum, chosen so that no energy is counted twice: every package (sockets and dies are
 * summed), every DRAM zone, and psys apart. core/uncore sit inside their package and are never
 * added; an MMIO zone that repeats an MSR zone of the same name is dropped (both read the same
 * package counter).
 */
public record RaplDomains(List<RaplZone> packages, List<RaplZone> dram, List<RaplZone> psys) {

    public static RaplDomains choose(List<RaplZone> zones) {
        Map<String, RaplZone> packages = new LinkedHashMap<>();
        Map<String, RaplZone> psys = new LinkedHashMap<>();
        List<RaplZone> dram = new ArrayList<>();
        for (RaplZone zone : preferMsr(zones)) {
            if (zone.isPackage()) {
                packages.putIfAbsent(zone.name(), zone);
            } else if (zone.isPsys()) {
                psys.putIfAbsent(zone.name(), zone);
            }
        }
        for (RaplZone zone : zones) {
            boolean underChosenPackage = zone.parentId() != null && packages.values().stream()
                    .anyMatch(p -> p.id().equals(zone.parentId()));
            boolean topLevelDram = zone.topLevel() && !zone.isMmio();
            if (zone.isDram() && (underChosenPackage || topLevelDram)) {
                dram.add(zone);
            }
        }
        return new RaplDomains(List.copyOf(packages.values()), List.copyOf(dram), List.copyOf(psys.values()));
    }

    private static List<RaplZone> preferMsr(List<RaplZone> zones) {
        List<RaplZone> ordered = new ArrayList<>();
        zones.stream().filter(z -> !z.isMmio()).forEach(ordered::add);
        zones.stream().filter(RaplZone::isMmio).forEach(ordered::add);
        return ordered;
    }

    public boolean isEmpty() {
        return packages.isEmpty() && dram.isEmpty() && psys.isEmpty();
    }

    public List<RaplZone> all() {
        List<RaplZone> all = new ArrayList<>(packages);
        all.addAll(dram);
        all.addAll(psys);
        return all;
    }

    @Override
    public String toString() {
        return packages.size() + " package zone(s)" + (dram.isEmpty() ? "" : ", " + dram.size() + " dram")
                + (psys.isEmpty() ? "" : ", psys (reported apart)");
    }
}
