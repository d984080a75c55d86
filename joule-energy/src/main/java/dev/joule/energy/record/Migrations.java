package dev.joule.energy.record;

import java.util.List;

/**
 * The SQLite schema as a list of steps; step i takes a database from {@code user_version} i to i+1.
 * Steps are only ever appended: a released step is never edited, or existing databases would differ
 * from new ones.
 */
final class Migrations {
    static final List<List<String>> STEPS = List.of(
            // 0 -> 1: runs and samples.
            List.of("""
                    CREATE TABLE runs (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      run_uuid TEXT NOT NULL UNIQUE,
                      name TEXT NOT NULL,
                      command TEXT,
                      started_utc TEXT NOT NULL,
                      duration_s REAL,
                      status TEXT NOT NULL,
                      exit_code INTEGER,
                      cpu_energy_j REAL, ram_energy_j REAL, gpu_energy_j REAL,
                      cpu_source TEXT, ram_source TEXT, gpu_source TEXT,
                      emissions_kg REAL,
                      region TEXT,
                      carbon_intensity_g_per_kwh REAL,
                      pue REAL)""",
                    """
                    CREATE TABLE samples (
                      run_id INTEGER NOT NULL REFERENCES runs(id),
                      elapsed_s REAL NOT NULL,
                      cpu_energy_j REAL, ram_energy_j REAL, gpu_energy_j REAL)""",
                    "CREATE INDEX samples_run ON samples(run_id)"),
            // 1 -> 2: provenance, facility energy kept apart from IT energy, psys, host.
            List.of("ALTER TABLE runs ADD COLUMN psys_energy_j REAL",
                    "ALTER TABLE runs ADD COLUMN psys_source TEXT",
                    "ALTER TABLE runs ADD COLUMN it_energy_kwh REAL",
                    "ALTER TABLE runs ADD COLUMN facility_energy_kwh REAL",
                    "ALTER TABLE runs ADD COLUMN idle_energy_j REAL",
                    "ALTER TABLE runs ADD COLUMN cpu_time_s REAL",
                    "ALTER TABLE runs ADD COLUMN renewable_share REAL NOT NULL DEFAULT 0",
                    "ALTER TABLE runs ADD COLUMN energy_err_pct REAL",
                    "ALTER TABLE runs ADD COLUMN below_resolution INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE runs ADD COLUMN dropped_intervals INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE runs ADD COLUMN carbon_intensity_source TEXT",
                    "ALTER TABLE runs ADD COLUMN meters TEXT",
                    "ALTER TABLE runs ADD COLUMN host_json TEXT",
                    "ALTER TABLE samples ADD COLUMN psys_energy_j REAL",
                    """
                    UPDATE runs SET it_energy_kwh =
                      (coalesce(cpu_energy_j, 0) + coalesce(ram_energy_j, 0) + coalesce(gpu_energy_j, 0)) / 3.6e6""",
                    "UPDATE runs SET facility_energy_kwh = it_energy_kwh * (coalesce(pue, 1) - 1)"));

    static final int LATEST = STEPS.size();

    private Migrations() {}
}
