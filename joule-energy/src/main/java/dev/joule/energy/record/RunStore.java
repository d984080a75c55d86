package dev.joule.energy.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.EnergyException;
import dev.joule.energy.carbon.CarbonAccount;
import dev.joule.energy.carbon.CarbonIntensity;
import dev.joule.energy.carbon.CarbonIntensityTable;
import dev.joule.energy.meter.MeterReading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs and their samples in SQLite ({@code ~/.joule/joule.db} by default). The database is in WAL
 * mode and every write is its own committed transaction, so a process killed mid-run leaves a
 * readable database holding the run (status {@code running}) and the samples taken so far.
 */
public final class RunStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Component[] STORED = {Component.CPU, Component.DRAM, Component.GPU, Component.PSYS};

    private final Path file;
    private final Connection connection;

    private RunStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    public static Path defaultPath() {
        return Path.of(System.getProperty("user.home"), ".joule", "joule.db");
    }

    /** Opens (creating if needed) and migrates the database to the latest schema. */
    public static RunStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
            }
            RunStore store = new RunStore(file, c);
            store.migrate();
            return store;
        } catch (SQLException | IOException e) {
            throw new EnergyException("cannot open run database " + file + ": " + e.getMessage()
                    + "; check the path and its permissions, or pass another --db", e);
        }
    }

    public int schemaVersion() {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            throw failure("read the schema version", e);
        }
    }

    private void migrate() throws SQLException {
        int version = schemaVersion();
        if (version > Migrations.LATEST) {
            throw new EnergyException("run database " + file + " has schema version " + version + ", this Joule knows up to "
                    + Migrations.LATEST + "; upgrade Joule or pass another --db");
        }
        for (int step = version; step < Migrations.LATEST; step++) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                for (String sql : Migrations.STEPS.get(step)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + (step + 1));
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** Inserts a run (committed at once) and returns it with its id. */
    public synchronized RunRecord insert(RunRecord run) {
        String sql = "INSERT INTO runs (run_uuid, name, command, started_utc, status) VALUES (?, ?, ?, ?, ?)";
        try (PreparedStatement p = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, run.runUuid());
            p.setString(2, run.name());
            p.setString(3, run.command());
            p.setString(4, run.startedAt().toString());
            p.setString(5, run.status());
            p.executeUpdate();
            long id;
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
            RunRecord stored = run.withId(id);
            update(stored);
            return stored;
        } catch (SQLException e) {
            throw failure("insert run '" + run.name() + "'", e);
        }
    }

    /** Writes every field of a stored run (status, energies, carbon, host). */
    public synchronized void update(RunRecord run) {
        String sql = """
                UPDATE runs SET name = ?, command = ?, duration_s = ?, status = ?, exit_code = ?,
                  cpu_energy_j = ?, ram_energy_j = ?, gpu_energy_j = ?, psys_energy_j = ?,
                  cpu_source = ?, ram_source = ?, gpu_source = ?, psys_source = ?,
                  emissions_kg = ?, region = ?, carbon_intensity_g_per_kwh = ?, carbon_intensity_source = ?, pue = ?,
                  renewable_share = ?, it_energy_kwh = ?, facility_energy_kwh = ?, idle_energy_j = ?, cpu_time_s = ?,
                  energy_err_pct = ?, below_resolution = ?, dropped_intervals = ?, meters = ?, host_json = ?
                WHERE id = ?""";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            int i = 1;
            p.setString(i++, run.name());
            p.setString(i++, run.command());
            p.setDouble(i++, run.durationSeconds());
            p.setString(i++, run.status());
            if (run.exitCode() == null) {
                p.setNull(i++, Types.INTEGER);
            } else {
                p.setInt(i++, run.exitCode());
            }
            for (Component c : STORED) {
                setNullable(p, i++, run.components().containsKey(c) ? run.joules(c) : Double.NaN);
            }
            for (Component c : STORED) {
                p.setString(i++, run.source(c));
            }
            setNullable(p, i++, run.carbon().emissionsKg());
            p.setString(i++, run.intensity().code());
            p.setDouble(i++, run.intensity().gramsPerKwh());
            p.setString(i++, run.intensity().source());
            p.setDouble(i++, run.pue());
            p.setDouble(i++, run.renewableShare());
            setNullable(p, i++, run.carbon().itEnergyKwh());
            setNullable(p, i++, run.carbon().facilityEnergyKwh());
            setNullable(p, i++, run.idleJoules());
            setNullable(p, i++, run.cpuSeconds());
            p.setDouble(i++, run.energyErrorPercent());
            p.setInt(i++, run.belowResolution() ? 1 : 0);
            p.setInt(i++, run.droppedIntervals());
            p.setString(i++, run.meters());
            p.setString(i++, JSON.writeValueAsString(run.host()));
            p.setLong(i, run.id());
            p.executeUpdate();
        } catch (SQLException | IOException e) {
            throw failure("update run " + run.id(), e);
        }
    }

    /** Appends one sample (energy since the run started) to a stored run. */
    public synchronized void addSample(long runId, MeterReading sinceStart) {
        String sql = "INSERT INTO samples (run_id, elapsed_s, cpu_energy_j, ram_energy_j, gpu_energy_j, psys_energy_j) "
                + "VALUES (?, ?, ?, ?, ?, ?)";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            p.setLong(1, runId);
            p.setDouble(2, sinceStart.nanoTime() / 1e9);
            int i = 3;
            for (Component c : STORED) {
                ComponentEnergy e = sinceStart.components().get(c);
                setNullable(p, i++, e == null ? Double.NaN : e.joules());
            }
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("add a sample to run " + runId, e);
        }
    }

    /** A stored sample: energy per component since the run started. */
    public record Sample(double elapsedSeconds, Map<Component, Double> joules) {}

    public synchronized List<Sample> samples(long runId) {
        List<Sample> samples = new ArrayList<>();
        String sql = "SELECT elapsed_s, cpu_energy_j, ram_energy_j, gpu_energy_j, psys_energy_j FROM samples "
                + "WHERE run_id = ? ORDER BY elapsed_s";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            p.setLong(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Map<Component, Double> joules = new EnumMap<>(Component.class);
                    for (int k = 0; k < STORED.length; k++) {
                        double v = rs.getDouble(k + 2);
                        if (!rs.wasNull()) {
                            joules.put(STORED[k], v);
                        }
                    }
                    samples.add(new Sample(rs.getDouble(1), joules));
                }
            }
        } catch (SQLException e) {
            throw failure("read samples of run " + runId, e);
        }
        return samples;
    }

    /** All runs, newest first. */
    public synchronized List<RunRecord> runs() {
        List<RunRecord> runs = new ArrayList<>();
        CarbonIntensityTable table = CarbonIntensityTable.bundled();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM runs ORDER BY id DESC")) {
            while (rs.next()) {
                runs.add(read(rs, table));
            }
        } catch (SQLException | IOException e) {
            throw failure("list runs", e);
        }
        return runs;
    }

    private static RunRecord read(ResultSet rs, CarbonIntensityTable table) throws SQLException, IOException {
        Map<Component, ComponentEnergy> components = new EnumMap<>(Component.class);
        for (Component c : STORED) {
            double joules = rs.getDouble(c.column() + "_energy_j");
            String source = rs.getString(c.column() + "_source");
            if (!rs.wasNull() && source != null && !source.equals("none")) {
                boolean estimate = source.startsWith("model-");
                components.put(c, new ComponentEnergy(c, joules, Double.NaN, source, estimate,
                        rs.getDouble("energy_err_pct") / 100));
            }
        }
        String region = rs.getString("region");
        double grams = rs.getDouble("carbon_intensity_g_per_kwh");
        CarbonIntensity intensity = region == null ? CarbonIntensity.WORLD_DEFAULT
                : table.find(region).filter(t -> t.gramsPerKwh() == grams).orElse(new CarbonIntensity(region, "",
                        region, "stored", grams, 0, String.valueOf(rs.getString("carbon_intensity_source")), ""));
        String hostJson = rs.getString("host_json");
        HostInfo host = hostJson == null ? new HostInfo("", "", 0, 0, "", 0, "") : JSON.readValue(hostJson, HostInfo.class);
        int exit = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : exit;
        CarbonAccount carbon = new CarbonAccount(nullable(rs, "it_energy_kwh"), nullable(rs, "facility_energy_kwh"),
                nullable(rs, "emissions_kg"));
        return new RunRecord(rs.getLong("id"), rs.getString("run_uuid"), rs.getString("name"), rs.getString("command"),
                Instant.parse(rs.getString("started_utc")), nullable(rs, "duration_s"), rs.getString("status"),
                exitCode, components, nullable(rs, "idle_energy_j"), nullable(rs, "cpu_time_s"),
                rs.getInt("below_resolution") != 0, rs.getInt("dropped_intervals"), intensity,
                rs.getDouble("pue"), rs.getDouble("renewable_share"), carbon, rs.getString("meters"), host);
    }

    private static double nullable(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static void setNullable(PreparedStatement p, int index, double value) throws SQLException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            p.setNull(index, Types.REAL);
        } else {
            p.setDouble(index, value);
        }
    }

    private EnergyException failure(String what, Exception e) {
        return new EnergyException("run database " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }
}
