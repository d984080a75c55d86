package dev.joule.energy.record;

import dev.joule.energy.Component;
import dev.joule.energy.carbon.CarbonIntensity;
import dev.joule.energy.carbon.CarbonIntensityTable;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The columns of Joule's CSV: CodeCarbon v3.3.0's 38 {@code emissions.csv} columns first, in its
 * order and with its names and units (kWh, kg, W, s, GB), then Joule's own. One difference of meaning,
 * documented in docs/energy.md: {@code cpu_energy}, {@code gpu_energy} and {@code ram_energy} are IT
 * energy without PUE, which goes into {@code facility_energy_kwh}; {@code energy_consumed} is their
 * sum plus the facility overhead, as in CodeCarbon. {@code timestamp} is the start in UTC.
 */
public final class CsvColumns {
    /** Bumped whenever a column is added, renamed or changes meaning. */
    public static final int SCHEMA_VERSION = 1;

    public static final List<String> CODECARBON = List.of("timestamp", "project_name", "run_id", "experiment_id",
            "duration", "emissions", "emissions_rate", "cpu_power", "gpu_power", "ram_power", "cpu_energy",
            "gpu_energy", "ram_energy", "energy_consumed", "water_consumed", "country_name", "country_iso_code",
            "region", "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version", "cpu_count",
            "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude", "ram_total_size", "tracking_mode",
            "cpu_utilization_percent", "gpu_utilization_percent", "ram_utilization_percent", "ram_used_gb",
            "on_cloud", "pue", "wue");

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Map<String, Function<RunRecord, Object>> COLUMNS = new LinkedHashMap<>();

    static {
        col("timestamp", r -> TIMESTAMP.format(r.startedAt()));
        col("project_name", RunRecord::name);
        col("run_id", RunRecord::runUuid);
        col("experiment_id", r -> "");
        col("duration", RunRecord::durationSeconds);
        col("emissions", r -> r.carbon().emissionsKg());
        col("emissions_rate", r -> r.durationSeconds() > 0 ? r.carbon().emissionsKg() / r.durationSeconds() : 0.0);
        col("cpu_power", r -> power(r, Component.CPU));
        col("gpu_power", r -> power(r, Component.GPU));
        col("ram_power", r -> power(r, Component.DRAM));
        col("cpu_energy", r -> kwh(r, Component.CPU));
        col("gpu_energy", r -> kwh(r, Component.GPU));
        col("ram_energy", r -> kwh(r, Component.DRAM));
        col("energy_consumed", r -> r.carbon().totalEnergyKwh());
        col("water_consumed", r -> 0.0);
        col("country_name", r -> country(r).map(CarbonIntensity::name).orElse(""));
        // CodeCarbon writes ISO 3166 alpha-3 here (FRA, CAN).
        col("country_iso_code", r -> country(r).map(CarbonIntensity::alpha3).orElse(""));
        col("region", r -> r.intensity().code());
        col("cloud_provider", r -> r.intensity().cloudProvider());
        col("cloud_region", r -> r.intensity().cloudRegion());
        col("os", r -> r.host().os());
        col("python_version", r -> "");
        col("codecarbon_version", r -> "");
        col("cpu_count", r -> r.host().cpuCount());
        col("cpu_model", r -> r.host().cpuModel());
        col("gpu_count", r -> r.host().gpuCount());
        col("gpu_model", r -> r.host().gpuModel());
        col("longitude", r -> "");
        col("latitude", r -> "");
        col("ram_total_size", r -> r.host().ramTotalGb());
        col("tracking_mode", r -> "process");
        col("cpu_utilization_percent", r -> Double.isNaN(r.cpuSeconds()) || r.durationSeconds() <= 0 ? ""
                : 100 * r.cpuSeconds() / r.durationSeconds() / r.host().cpuCount());
        col("gpu_utilization_percent", r -> "");
        col("ram_utilization_percent", r -> "");
        col("ram_used_gb", r -> "");
        col("on_cloud", r -> r.intensity().isCloud() ? "Y" : "N");
        col("pue", RunRecord::pue);
        col("wue", r -> 0.0);
        // Joule's own columns.
        col("schema_version", r -> SCHEMA_VERSION);
        col("cpu_source", r -> r.source(Component.CPU));
        col("gpu_source", r -> r.source(Component.GPU));
        col("ram_source", r -> r.source(Component.DRAM));
        col("psys_energy", r -> r.components().containsKey(Component.PSYS) ? kwh(r, Component.PSYS) : "");
        col("psys_source", r -> r.source(Component.PSYS));
        col("energy_is_estimate", r -> r.anyEstimate());
        col("energy_err_pct", RunRecord::energyErrorPercent);
        col("it_energy_kwh", r -> r.carbon().itEnergyKwh());
        col("facility_energy_kwh", r -> r.carbon().facilityEnergyKwh());
        col("idle_energy_kwh", r -> Double.isNaN(r.idleJoules()) ? "" : r.idleJoules() / 3.6e6);
        col("cpu_time_s", r -> Double.isNaN(r.cpuSeconds()) ? "" : r.cpuSeconds());
        col("carbon_intensity_g_per_kwh", r -> r.intensity().gramsPerKwh());
        col("carbon_intensity_year", r -> r.intensity().year());
        col("carbon_intensity_source", r -> r.intensity().source());
        col("renewable_share", RunRecord::renewableShare);
        col("below_resolution", RunRecord::belowResolution);
        col("dropped_intervals", RunRecord::droppedIntervals);
        col("status", RunRecord::status);
        col("exit_code", r -> r.exitCode() == null ? "" : r.exitCode());
        col("command", RunRecord::command);
        col("meters", RunRecord::meters);
        col("java_version", r -> r.host().javaVersion());
    }

    private CsvColumns() {}

    private static void col(String name, Function<RunRecord, Object> value) {
        COLUMNS.put(name, value);
    }

    private static Optional<CarbonIntensity> country(RunRecord r) {
        return CarbonIntensityTable.bundled().country(r.intensity());
    }

    private static double kwh(RunRecord r, Component c) {
        return r.joules(c) / 3.6e6;
    }

    /** Mean power as energy over duration, not an average of sampled powers. */
    private static double power(RunRecord r, Component c) {
        return r.durationSeconds() > 0 ? r.joules(c) / r.durationSeconds() : 0.0;
    }

    public static List<String> header() {
        return new ArrayList<>(COLUMNS.keySet());
    }

    public static List<String> values(RunRecord record) {
        List<String> values = new ArrayList<>();
        for (Function<RunRecord, Object> f : COLUMNS.values()) {
            Object v = f.apply(record);
            values.add(v == null ? "" : v instanceof Double d && (d.isNaN() || d.isInfinite()) ? "" : String.valueOf(v));
        }
        return values;
    }
}
