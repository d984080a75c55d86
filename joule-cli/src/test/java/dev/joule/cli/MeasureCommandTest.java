package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.energy.Component;
import dev.joule.energy.meter.cputime.CpuPowerTable;
import dev.joule.energy.meter.cputime.CpuTimeModel;
import dev.joule.energy.meter.cputime.SystemInfo;
import dev.joule.energy.meter.rapl.RaplMeter;
import dev.joule.energy.record.CsvColumns;
import dev.joule.energy.record.RunRecord;
import dev.joule.energy.record.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end {@code joule measure} through {@link Main#run}, on this machine's real meters. */
class MeasureCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The acceptance checks on this machine are about the CPU-time model: skipped where RAPL is readable. */
    private static void assumeNoRapl() {
        boolean rapl;
        try {
            rapl = RaplMeter.open(Path.of("/sys")).isPresent();
        } catch (RuntimeException unreadable) {
            rapl = false;
        }
        Assumptions.assumeFalse(rapl, "this machine has readable RAPL counters");
    }

    /** Runs the CLI and returns its exit code and what it printed on stdout. */
    private record Result(int exitCode, String stdout) {}

    private Result run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private JsonNode measureJson(String... command) throws Exception {
        String[] args = new String[6 + command.length];
        args[0] = "measure";
        args[1] = "--db";
        args[2] = tmp.resolve("joule.db").toString();
        args[3] = "--json";
        args[4] = "--interval";
        args[5] = "200ms";
        System.arraycopy(command, 0, args, 6, command.length);
        Result r = run(args);
        String json = r.stdout().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no JSON line in: " + r.stdout()));
        JsonNode node = JSON.readTree(json);
        assertEquals(node.get("exit_code").asInt(), r.exitCode());
        return node;
    }

    @Test
    void sleepAndBusyLoopAreBothModelEstimatesAndEnergyFollowsCpuTime() throws Exception {
        assumeNoRapl();
        JsonNode sleep = measureJson("--", "sleep", "1");
        JsonNode busy = measureJson("--", "sh", "-c", "i=0; while [ $i -lt 600000 ]; do i=$((i+1)); done");

        for (JsonNode run : List.of(sleep, busy)) {
            assertEquals("model-cpu-time", run.at("/components/cpu/source").asText());
            assertTrue(run.get("estimate").asBoolean());
            assertEquals(50.0, run.at("/components/cpu/uncertainty_pct").asDouble());
        }
        double sleepCpu = sleep.get("cpu_time_s").asDouble();
        double busyCpu = busy.get("cpu_time_s").asDouble();
        assertTrue(sleepCpu < 0.1, "sleep used " + sleepCpu + " s of CPU");
        assertTrue(busyCpu > 0.3, "busy loop used only " + busyCpu + " s of CPU");
        assertTrue(busy.at("/components/cpu/energy_j").asDouble() > sleep.at("/components/cpu/energy_j").asDouble());

        // Active energy is exactly CPU time x the model's active watts per CPU, for both runs.
        CpuTimeModel model = CpuTimeModel.detect(SystemInfo.system(), CpuPowerTable.bundled());
        for (JsonNode run : List.of(sleep, busy)) {
            double active = run.at("/components/cpu/energy_j").asDouble() - run.at("/components/cpu/idle_energy_j").asDouble();
            assertEquals(run.get("cpu_time_s").asDouble() * model.activeWattsPerCpu(), active, 1e-6);
        }
    }

    @Test
    void failingCommandReturnsItsExitCodeAndIsStillRecorded() {
        Path db = tmp.resolve("fail.db");
        Path csv = tmp.resolve("emissions.csv");
        int code = Main.run("measure", "--db", db.toString(), "--csv", csv.toString(), "--region", "FR", "--pue", "1.2",
                "--", "sh", "-c", "exit 3");
        assertEquals(3, code);
        try (RunStore store = RunStore.open(db)) {
            RunRecord r = store.runs().get(0);
            assertEquals(RunRecord.STATUS_FAILED, r.status());
            assertEquals(3, r.exitCode());
            assertEquals("FR", r.intensity().code());
            assertEquals(1.2, r.pue());
            assertTrue(r.joules(Component.CPU) > 0);
        }
        assertTrue(Files.exists(csv));
    }

    @Test
    void csvWithAnotherHeaderIsLeftIntactAndTheWarningIsPrinted() throws Exception {
        Path csv = tmp.resolve("emissions.csv");
        Files.writeString(csv, "timestamp,project_name,run_id\n2024-01-01T00:00:00,old,1\n");
        int code = Main.run("measure", "--db", tmp.resolve("j.db").toString(), "--csv", csv.toString(), "--", "true");
        assertEquals(0, code);
        assertEquals("timestamp,project_name,run_id\n2024-01-01T00:00:00,old,1\n", Files.readString(csv));
        Path redirected = tmp.resolve("emissions.joule-v" + CsvColumns.SCHEMA_VERSION + ".csv");
        assertTrue(Files.exists(redirected));
    }

    @Test
    void textSummaryLabelsEstimatesAndUnits() {
        assumeNoRapl();
        Result r = run("measure", "--db", tmp.resolve("t.db").toString(), "--", "true");
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().contains("model-cpu-time, estimate ±50 %"), r.stdout());
        assertTrue(r.stdout().contains("gCO2e/kWh"), r.stdout());
        assertTrue(r.stdout().contains(" W over "), r.stdout());
    }

    @Test
    void runsListsRecordedRunsAsTextAndJson() throws Exception {
        Path db = tmp.resolve("runs.db");
        Main.run("measure", "--db", db.toString(), "--name", "first", "--", "true");
        Result text = run("runs", "--db", db.toString());
        assertEquals(0, text.exitCode());
        assertTrue(text.stdout().contains("finished") && text.stdout().contains("true"), text.stdout());
        Result json = run("runs", "--db", db.toString(), "--json");
        JsonNode array = JSON.readTree(json.stdout());
        assertEquals(1, array.size());
        assertEquals("first", array.get(0).get("name").asText());
    }

    @Test
    void unknownRegionOrBadPueIsAUsageError() {
        assertEquals(2, Main.run("measure", "--db", tmp.resolve("r.db").toString(), "--region", "Atlantis", "--", "true"));
        assertEquals(2, Main.run("measure", "--db", tmp.resolve("r.db").toString(), "--pue", "0.5", "--", "true"));
        assertEquals(2, Main.run("measure", "--db", tmp.resolve("r.db").toString(), "--interval", "fast", "--", "true"));
    }

    @Test
    void unknownCommandIsAUsageErrorAndRecordedAsFailed() {
        Path db = tmp.resolve("missing.db");
        int code = Main.run("measure", "--db", db.toString(), "--", "no-such-command-joule-test");
        assertEquals(2, code);
        try (RunStore store = RunStore.open(db)) {
            assertEquals(127, store.runs().get(0).exitCode());
        }
    }

    @Test
    void measureKilledMidRunLeavesAReadableDatabase() throws Exception {
        Path db = tmp.resolve("killed.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "dev.joule.cli.Main", "measure", "--db", db.toString(),
                "--interval", "100ms", "--", "sleep", "30")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (sampleCount(db) < 2) {
                assertTrue(jvm.isAlive(), () -> "measure exited early: " + read(tmp.resolve("child.log")));
                assertTrue(System.nanoTime() < deadline, "no samples recorded within 30 s");
                Thread.sleep(100);
            }
        } finally {
            List<ProcessHandle> children = jvm.descendants().toList();
            jvm.destroyForcibly().waitFor();
            children.forEach(ProcessHandle::destroyForcibly);
        }
        try (RunStore store = RunStore.open(db)) {
            RunRecord r = store.runs().get(0);
            assertEquals(RunRecord.STATUS_RUNNING, r.status(), "killed with SIGKILL: no chance to finish the record");
            assertFalse(store.samples(r.id()).isEmpty());
        }
    }

    private static int sampleCount(Path db) {
        if (!Files.exists(db)) {
            return 0;
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM samples")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // schema not created yet
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
