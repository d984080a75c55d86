package dev.joule.energy.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.carbon.CarbonIntensityTable;
import dev.joule.energy.carbon.CarbonSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRecordWriterTest {
    /** CodeCarbon v3.3.0 emissions.csv header, verbatim from the reference note. */
    static final String CODECARBON_HEADER = "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,"
            + "cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,"
            + "country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,"
            + "gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,"
            + "gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue";

    @TempDir
    Path tmp;

    static RunRecord record(String name) {
        CarbonSettings fr = new CarbonSettings(CarbonIntensityTable.bundled().require("FR"), 1.5, 0, "flag");
        Map<Component, ComponentEnergy> parts = Map.of(
                Component.CPU, new ComponentEnergy(Component.CPU, 7.2e6, 7.2e5, "model-cpu-time", true, 0.5),
                Component.DRAM, new ComponentEnergy(Component.DRAM, 3.6e5, Double.NaN, "model-cpu-time", true, 0.5));
        return new RunRecord(0, "uuid-" + name, name, "sleep 2", Instant.parse("2026-01-02T03:04:05Z"), 3600,
                RunRecord.STATUS_FINISHED, 0, parts, 7.2e5, 100, false, 0, fr.intensity(), fr.pue(), 0,
                fr.account(7.56e6), "model-cpu-time", new HostInfo("Linux-6", "AMD EPYC", 2, 0, "", 24.0, "17"));
    }

    @Test
    void everyCodeCarbonColumnIsPresentInItsOrderFollowedBySourcesAndSchemaVersion() {
        List<String> header = CsvColumns.header();
        assertEquals(List.of(CODECARBON_HEADER.split(",")), header.subList(0, 38));
        assertTrue(header.containsAll(List.of("schema_version", "cpu_source", "gpu_source", "ram_source",
                "it_energy_kwh", "facility_energy_kwh")));
    }

    @Test
    void sharedColumnsKeepCodeCarbonUnits() throws IOException {
        Path csv = tmp.resolve("emissions.csv");
        CsvRecordWriter.append(csv, record("a"));
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<String> row = List.of(lines.get(1).split(",", -1));
        assertEquals("2026-01-02T03:04:05", row.get(header.indexOf("timestamp")));
        assertEquals(3600.0, Double.parseDouble(row.get(header.indexOf("duration"))));
        assertEquals(2.0, Double.parseDouble(row.get(header.indexOf("cpu_energy"))), 1e-12, "kWh, PUE not folded in");
        assertEquals(2000.0, Double.parseDouble(row.get(header.indexOf("cpu_power"))), 1e-9, "W");
        assertEquals(2.1 * 1.5, Double.parseDouble(row.get(header.indexOf("energy_consumed"))), 1e-12);
        assertEquals(2.1 * 1.5 * 0.056, Double.parseDouble(row.get(header.indexOf("emissions"))), 1e-12, "kg");
        assertEquals("model-cpu-time", row.get(header.indexOf("cpu_source")));
        assertEquals("FRA", row.get(header.indexOf("country_iso_code")), "CodeCarbon uses alpha-3");
        assertEquals("France", row.get(header.indexOf("country_name")));
        assertEquals("none", row.get(header.indexOf("gpu_source")));
    }

    @Test
    void appendsUnderTheSameHeader() throws IOException {
        Path csv = tmp.resolve("emissions.csv");
        CsvRecordWriter.append(csv, record("a"));
        CsvRecordWriter.Result second = CsvRecordWriter.append(csv, record("b"));
        assertFalse(second.redirected());
        assertEquals(3, Files.readAllLines(csv).size());
    }

    @Test
    void fileWithAnotherHeaderIsLeftIntactAndTheRecordGoesToANewFileWithAWarning() throws IOException {
        Path csv = tmp.resolve("emissions.csv");
        String old = CODECARBON_HEADER + "\n2024-01-01T00:00:00,old,1,,1.0,0.1,0.1,1,0,1,1,0,1,2,0,France,FRA,,,,Linux,3.11,"
                + "3.3.0,8,cpu,0,,,,16,machine,,,,,N,1.0,0\n";
        Files.writeString(csv, old);
        CsvRecordWriter.Result result = CsvRecordWriter.append(csv, record("new"));
        assertEquals(old, Files.readString(csv));
        assertTrue(result.redirected());
        assertNotEquals(csv, result.path());
        assertTrue(result.warning().contains(csv.toString()), result.warning());
        assertEquals(CsvRecordWriter.line(CsvColumns.header()), Files.readAllLines(result.path()).get(0));
        CsvRecordWriter.Result again = CsvRecordWriter.append(csv, record("newer"));
        assertEquals(result.path(), again.path(), "later records join the same new file");
        assertEquals(3, Files.readAllLines(result.path()).size());
    }

    @Test
    void valuesWithCommasAreQuoted() {
        assertEquals("a,\"b,c\",\"say \"\"hi\"\"\"", CsvRecordWriter.line(List.of("a", "b,c", "say \"hi\"")));
    }
}
