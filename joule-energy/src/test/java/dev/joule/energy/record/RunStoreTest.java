package dev.joule.energy.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.EnergyException;
import dev.joule.energy.meter.MeterReading;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path tmp;

    @Test
    void runsAndSamplesRoundTrip() {
        Path db = tmp.resolve("nested/dir/joule.db");
        RunRecord original = CsvRecordWriterTest.record("train");
        long id;
        try (RunStore store = RunStore.open(db)) {
            assertEquals(Migrations.LATEST, store.schemaVersion());
            RunRecord stored = store.insert(original);
            id = stored.id();
            store.addSample(id, MeterReading.of(1_500_000_000L, List.of(
                    new ComponentEnergy(Component.CPU, 3.0, 0, "model-cpu-time", true, 0.5)), 0, 0.1));
        }
        try (RunStore store = RunStore.open(db)) {
            RunRecord back = store.runs().get(0);
            assertEquals(id, back.id());
            assertEquals(original.runUuid(), back.runUuid());
            assertEquals(original.name(), back.name());
            assertEquals(original.command(), back.command());
            assertEquals(original.startedAt(), back.startedAt());
            assertEquals(original.status(), back.status());
            assertEquals(0, back.exitCode());
            assertEquals(7.2e6, back.joules(Component.CPU));
            assertEquals(3.6e5, back.joules(Component.DRAM));
            assertEquals("model-cpu-time", back.source(Component.CPU));
            assertEquals("none", back.source(Component.GPU));
            assertTrue(back.anyEstimate());
            assertEquals(original.carbon(), back.carbon());
            assertEquals(original.intensity(), back.intensity());
            assertEquals(original.host(), back.host());
            assertEquals(original.cpuSeconds(), back.cpuSeconds());
            List<RunStore.Sample> samples = store.samples(id);
            assertEquals(1, samples.size());
            assertEquals(1.5, samples.get(0).elapsedSeconds());
            assertEquals(3.0, samples.get(0).joules().get(Component.CPU));
        }
    }

    @Test
    void updateMovesARunFromRunningToFinished() {
        try (RunStore store = RunStore.open(tmp.resolve("j.db"))) {
            RunRecord base = CsvRecordWriterTest.record("x");
            RunRecord running = store.insert(new RunRecord(0, base.runUuid(), base.name(), base.command(),
                    base.startedAt(), 0, RunRecord.STATUS_RUNNING, null, base.components(), base.idleJoules(),
                    base.cpuSeconds(), false, 0, base.intensity(), base.pue(), 0, base.carbon(), "m", base.host()));
            assertNull(store.runs().get(0).exitCode());
            store.update(running.updatedFrom(base));
            assertEquals(RunRecord.STATUS_FINISHED, store.runs().get(0).status());
            assertEquals(1, store.runs().size());
        }
    }

    @Test
    void version1DatabaseIsMigratedWithItsRowsKept() throws Exception {
        Path db = tmp.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String sql : Migrations.STEPS.get(0)) {
                s.execute(sql);
            }
            s.execute("PRAGMA user_version = 1");
            s.execute("INSERT INTO runs (run_uuid, name, command, started_utc, duration_s, status, exit_code, "
                    + "cpu_energy_j, ram_energy_j, cpu_source, ram_source, gpu_source, emissions_kg, region, "
                    + "carbon_intensity_g_per_kwh, pue) VALUES ('u1', 'old-run', 'make', '2025-05-01T10:00:00Z', 10, "
                    + "'finished', 0, 3600000, 360000, 'rapl-pkg', 'rapl-dram', 'none', 0.1, 'DE', 381.0, 1.5)");
            s.execute("INSERT INTO samples (run_id, elapsed_s, cpu_energy_j) VALUES (1, 1.0, 360000)");
        }
        try (RunStore store = RunStore.open(db)) {
            assertEquals(2, store.schemaVersion());
            RunRecord old = store.runs().get(0);
            assertEquals("old-run", old.name());
            assertEquals("rapl-pkg", old.source(Component.CPU));
            assertEquals(1.1, old.carbon().itEnergyKwh(), 1e-12);
            assertEquals(0.55, old.carbon().facilityEnergyKwh(), 1e-12);
            assertEquals(0.0, old.renewableShare());
            assertEquals(1, store.samples(1).size());
        }
    }

    @Test
    void databaseFromANewerJouleIsRefusedWithTheFix() throws Exception {
        Path db = tmp.resolve("future.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        EnergyException e = assertThrows(EnergyException.class, () -> RunStore.open(db));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("--db"), e.getMessage());
    }
}
