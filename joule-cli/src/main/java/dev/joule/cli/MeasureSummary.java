package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.record.RunRecord;
import dev.joule.energy.track.EnergyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** The text and JSON summaries of {@code joule measure}: every number with its unit and its source. */
final class MeasureSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MeasureSummary() {}

    static void print(PrintWriter out, RunRecord run, EnergyReport report, Path db, String csv) {
        out.printf(Locale.ROOT, "joule measure: '%s' exited %d after %s%n", run.command(), run.exitCode(),
                EnergyFormat.seconds(run.durationSeconds()));
        for (Component c : Component.values()) {
            ComponentEnergy e = report.component(c);
            if (e == null) {
                if (c == Component.GPU) {
                    out.printf("  %-5s not measured (no NVIDIA GPU / NVML)%n", c.column());
                }
                continue;
            }
            String kind = e.estimate() ? String.format(Locale.ROOT, "estimate ±%.0f %%", e.uncertaintyFraction() * 100)
                    : String.format(Locale.ROOT, "measured ±%.0f %%", e.uncertaintyFraction() * 100);
            String idle = Double.isNaN(e.idleJoules()) || c == Component.DRAM ? ""
                    : "  [active " + EnergyFormat.joules(e.joules() - e.idleJoules()) + ", idle share "
                            + EnergyFormat.joules(e.idleJoules()) + "]";
            String apart = c.summedIntoTotal() ? "" : "  (whole platform, not added to the total)";
            out.printf(Locale.ROOT, "  %-5s %-11s (%s)  %s, %s%s%s%n", c.column(), EnergyFormat.joules(e.joules()),
                    EnergyFormat.kwh(e.joules()), e.source(), kind, idle, apart);
        }
        String label = report.anyEstimate() ? " (estimate)" : "";
        out.printf(Locale.ROOT, "  total %s%s = %s IT energy; facility overhead %s (PUE %.2f)%n",
                EnergyFormat.joules(report.totalJoules()), label, EnergyFormat.kwh(report.totalJoules()),
                EnergyFormat.joules(run.carbon().facilityEnergyKwh() * 3.6e6), run.pue());
        out.printf(Locale.ROOT, "  mean power %s over %s; CPU time %s%s%n", EnergyFormat.watts(report.meanPowerWatts()),
                EnergyFormat.seconds(report.durationSeconds()), EnergyFormat.seconds(run.cpuSeconds()),
                report.droppedIntervals() > 0 ? "; " + report.droppedIntervals() + " counter interval(s) dropped" : "");
        out.printf(Locale.ROOT, "  emissions %s%s at %.1f gCO2e/kWh (%s, %s %d; region from %s)%s%n",
                EnergyFormat.co2(run.carbon().emissionsKg()), label, run.intensity().gramsPerKwh(),
                run.intensity().name(), run.intensity().source(), run.intensity().year(),
                report.carbonSettings().regionOrigin(),
                run.renewableShare() > 0 ? String.format(Locale.ROOT, ", %.0f %% renewable", run.renewableShare() * 100) : "");
        if (report.belowResolution()) {
            out.println("  note: the run was shorter than the meter's resolution; its energy is flagged as below resolution");
        }
        out.printf("  recorded run %d (%s) in %s%s%n", run.id(), run.status(), db, csv == null ? "" : " and " + csv);
        out.printf("  meters: %s%n", run.meters());
    }

    static String json(RunRecord run, EnergyReport report) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("run_id", run.id());
        root.put("run_uuid", run.runUuid());
        root.put("name", run.name());
        root.put("command", run.command());
        root.put("status", run.status());
        root.put("exit_code", run.exitCode());
        root.put("duration_s", report.durationSeconds());
        putNumber(root, "cpu_time_s", run.cpuSeconds());
        ObjectNode components = root.putObject("components");
        for (ComponentEnergy e : report.components().values()) {
            ObjectNode c = components.putObject(e.component().column());
            c.put("energy_j", e.joules());
            c.put("energy_kwh", e.kilowattHours());
            putNumber(c, "idle_energy_j", e.idleJoules());
            c.put("source", e.source());
            c.put("estimate", e.estimate());
            c.put("uncertainty_pct", e.uncertaintyFraction() * 100);
        }
        root.put("it_energy_j", report.totalJoules());
        root.put("it_energy_kwh", run.carbon().itEnergyKwh());
        root.put("facility_energy_kwh", run.carbon().facilityEnergyKwh());
        root.put("energy_consumed_kwh", run.carbon().totalEnergyKwh());
        root.put("estimate", report.anyEstimate());
        putNumber(root, "mean_power_w", report.meanPowerWatts());
        root.put("emissions_kg", run.carbon().emissionsKg());
        root.put("region", run.intensity().code());
        root.put("carbon_intensity_g_per_kwh", run.intensity().gramsPerKwh());
        root.put("carbon_intensity_source", run.intensity().source());
        root.put("pue", run.pue());
        root.put("renewable_share", run.renewableShare());
        root.put("dropped_intervals", report.droppedIntervals());
        root.put("below_resolution", report.belowResolution());
        root.put("meters", run.meters());
        return JSON.writeValueAsString(root);
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
