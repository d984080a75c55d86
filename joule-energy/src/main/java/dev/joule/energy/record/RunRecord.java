package dev.joule.energy.record;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.carbon.CarbonAccount;
import dev.joule.energy.carbon.CarbonIntensity;
import dev.joule.energy.carbon.CarbonSettings;
import dev.joule.energy.track.EnergyReport;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * One measured run as it is stored (SQLite) and exported (CSV).
 *
 * @param id database id, 0 before it is stored
 * @param status {@code running} while measuring (what a killed run leaves behind), then {@code finished} or {@code failed}
 * @param exitCode the measured command's exit code, or null for an in-process run
 * @param components energy per component (IT energy, PUE not folded in)
 * @param idleJoules idle share of the total, NaN when unknown
 * @param cpuSeconds CPU time of the measured processes, NaN when unknown
 * @param meters which meters measured, in words
 */
public record RunRecord(long id, String runUuid, String name, String command, Instant startedAt,
        double durationSeconds, String status, Integer exitCode, Map<Component, ComponentEnergy> components,
        double idleJoules, double cpuSeconds, boolean belowResolution, int droppedIntervals, CarbonIntensity intensity,
        double pue, double renewableShare, CarbonAccount carbon, String meters, HostInfo host) {

    public static final String STATUS_RUNNING = "running";
    public static final String STATUS_FINISHED = "finished";
    public static final String STATUS_FAILED = "failed";

    public RunRecord {
        components = Map.copyOf(components);
    }

    /** A record of a finished (or in-progress) report. */
    public static RunRecord of(EnergyReport report, String command, String status, Integer exitCode, String meters,
            HostInfo host) {
        return new RunRecord(0, UUID.randomUUID().toString(), report.name(), command, report.startedAt(),
                report.durationSeconds(), status, exitCode, new EnumMap<>(report.components()), report.idleJoules(),
                report.cpuSeconds(), report.belowResolution(), report.droppedIntervals(),
                report.carbonSettings().intensity(), report.carbonSettings().pue(),
                report.carbonSettings().renewableShare(), report.carbon(), meters, host);
    }

    /** A run that has just started: no energy yet, status {@code running}. */
    public static RunRecord started(String name, String command, Instant startedAt, CarbonSettings carbon,
            String meters, HostInfo host) {
        return new RunRecord(0, UUID.randomUUID().toString(), name, command, startedAt, 0, STATUS_RUNNING, null,
                Map.of(), Double.NaN, Double.NaN, false, 0, carbon.intensity(), carbon.pue(), carbon.renewableShare(),
                carbon.account(0), meters, host);
    }

    public RunRecord withId(long newId) {
        return new RunRecord(newId, runUuid, name, command, startedAt, durationSeconds, status, exitCode, components,
                idleJoules, cpuSeconds, belowResolution, droppedIntervals, intensity, pue, renewableShare, carbon,
                meters, host);
    }

    /** The same run with a later state (status, energies, duration) but this run's id and UUID. */
    public RunRecord updatedFrom(RunRecord later) {
        return new RunRecord(id, runUuid, name, command, startedAt, later.durationSeconds, later.status,
                later.exitCode, later.components, later.idleJoules, later.cpuSeconds, later.belowResolution,
                later.droppedIntervals, later.intensity, later.pue, later.renewableShare, later.carbon, later.meters,
                later.host);
    }

    public double joules(Component c) {
        ComponentEnergy e = components.get(c);
        return e == null ? 0 : e.joules();
    }

    /** The source label of a component, or {@code none} when it was not measured. */
    public String source(Component c) {
        ComponentEnergy e = components.get(c);
        return e == null ? "none" : e.source();
    }

    public double itJoules() {
        double sum = 0;
        for (ComponentEnergy e : components.values()) {
            if (e.component().summedIntoTotal()) {
                sum += e.joules();
            }
        }
        return sum;
    }

    /** The widest uncertainty band among the components, in percent. */
    public double energyErrorPercent() {
        return components.values().stream().filter(e -> e.component().summedIntoTotal())
                .mapToDouble(ComponentEnergy::uncertaintyFraction).max().orElse(0) * 100;
    }

    public boolean anyEstimate() {
        return components.values().stream().anyMatch(ComponentEnergy::estimate);
    }
}
