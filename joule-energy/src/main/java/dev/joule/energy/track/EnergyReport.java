package dev.joule.energy.track;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.carbon.CarbonAccount;
import dev.joule.energy.carbon.CarbonSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The energy of one run or window.
 *
 * @param name the window's name; {@code path} joins the names of enclosing windows with '/'
 * @param components energy per component, each with its source and uncertainty
 * @param belowResolution true when the window was shorter than a meter's resolution: its energies
 *     are then the enclosing run's mean power × the window's duration, never a measured 0 J
 * @param droppedIntervals counter intervals dropped as resets or glitches
 * @param cpuSeconds CPU time of the measured processes, NaN when the meter does not know it
 * @param carbon IT energy, facility overhead and emissions
 * @param windows the reports of nested windows, in closing order
 */
public record EnergyReport(String name, String path, Instant startedAt, long durationNanos,
        Map<Component, ComponentEnergy> components, boolean belowResolution, int droppedIntervals, double cpuSeconds,
        CarbonSettings carbonSettings, CarbonAccount carbon, List<EnergyReport> windows) {

    public double durationSeconds() {
        return durationNanos / 1e9;
    }

    /** IT energy: every component except psys, which already contains CPU and DRAM. */
    public double totalJoules() {
        return components.values().stream().filter(c -> c.component().summedIntoTotal())
                .mapToDouble(ComponentEnergy::joules).sum();
    }

    /** Idle share of the total, or NaN if a component cannot split idle from active. */
    public double idleJoules() {
        return components.values().stream().filter(c -> c.component().summedIntoTotal())
                .mapToDouble(ComponentEnergy::idleJoules).sum();
    }

    public double totalKwh() {
        return totalJoules() / 3.6e6;
    }

    /** Energy over time, not an average of sampled powers (CodeCarbon's mistake). */
    public double meanPowerWatts() {
        return durationNanos > 0 ? totalJoules() / durationSeconds() : Double.NaN;
    }

    /**
     * The distinct sources of the components summed into {@link #totalJoules()}, joined with '+' in name order
     * (e.g. {@code model-cpu-time+nvml-energy}); {@code none} when no component was measured.
     */
    public String totalSources() {
        TreeSet<String> names = new TreeSet<>();
        for (ComponentEnergy c : components.values()) {
            if (c.component().summedIntoTotal()) {
                names.add(c.source());
            }
        }
        return names.isEmpty() ? "none" : String.join("+", names);
    }

    public boolean anyEstimate() {
        return components.values().stream().anyMatch(ComponentEnergy::estimate);
    }

    public ComponentEnergy component(Component c) {
        return components.get(c);
    }

    /** The nested window with this path, searching depth-first. */
    public java.util.Optional<EnergyReport> window(String windowPath) {
        for (EnergyReport w : windows) {
            if (w.path().equals(windowPath)) {
                return java.util.Optional.of(w);
            }
            java.util.Optional<EnergyReport> inner = w.window(windowPath);
            if (inner.isPresent()) {
                return inner;
            }
        }
        return java.util.Optional.empty();
    }
}
