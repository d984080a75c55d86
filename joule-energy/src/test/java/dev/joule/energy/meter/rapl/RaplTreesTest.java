package dev.joule.energy.meter.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.Component;
import dev.joule.energy.meter.MeterOptions;
import dev.joule.energy.meter.MeterReading;
import dev.joule.energy.meter.MeterSelection;
import dev.joule.energy.meter.Meters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sysfs layouts that JoularJX, PowerJoular and CodeCarbon's docs each get one of wrong. */
class RaplTreesTest {
    @TempDir
    Path tmp;

    private long nanos;

    /** Each read is one second after the previous one, so the plausibility bound is 1 kJ. */
    private RaplMeter open() {
        return RaplMeter.open(tmp, RaplMeter.DEFAULT_MAX_POWER_WATTS, () -> nanos += 1_000_000_000L).orElseThrow();
    }

    private static double joules(MeterReading r, Component c) {
        return r.components().get(c).joules();
    }

    @Test
    void oneSocketIntelWithPsysReportsPsysApartAndNeverAddsCoreToPackage() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        fs.zone("intel-rapl:0", "package-0", 1_000_000);
        fs.zone("intel-rapl:0:0", "core", 500_000);
        fs.zone("intel-rapl:0:1", "uncore", 100_000);
        fs.zone("intel-rapl:0:2", "dram", 200_000);
        fs.zone("intel-rapl:1", "psys", 3_000_000);
        RaplMeter meter = open();

        fs.set("intel-rapl:0", 1_000_000 + 7_000_000);
        fs.set("intel-rapl:0:0", 500_000 + 5_000_000);
        fs.set("intel-rapl:0:1", 100_000 + 1_000_000);
        fs.set("intel-rapl:0:2", 200_000 + 2_000_000);
        fs.set("intel-rapl:1", 3_000_000 + 12_000_000);
        MeterReading r = meter.read();

        assertEquals(7.0, joules(r, Component.CPU), 1e-9, "package only, core/uncore not added");
        assertEquals(2.0, joules(r, Component.DRAM), 1e-9);
        assertEquals(12.0, joules(r, Component.PSYS), 1e-9);
        assertEquals(9.0, r.totalJoules(), 1e-9, "psys is reported apart, not added to CPU + DRAM");
        assertEquals("rapl-pkg", r.components().get(Component.CPU).source());
        assertEquals("rapl-psys", r.components().get(Component.PSYS).source());
    }

    @Test
    void twoSocketXeonSumsBothPackagesAndTreatsRapl1AsPackageNotPsys() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        fs.zone("intel-rapl:0", "package-0", 0);
        fs.zone("intel-rapl:0:0", "dram", 0);
        fs.zone("intel-rapl:1", "package-1", 0);
        fs.zone("intel-rapl:1:0", "dram", 0);
        RaplMeter meter = open();

        fs.set("intel-rapl:0", 40_000_000);
        fs.set("intel-rapl:0:0", 3_000_000);
        fs.set("intel-rapl:1", 35_000_000);
        fs.set("intel-rapl:1:0", 4_000_000);
        MeterReading r = meter.read();

        assertEquals(75.0, joules(r, Component.CPU), 1e-9);
        assertEquals(7.0, joules(r, Component.DRAM), 1e-9);
        assertFalse(r.components().containsKey(Component.PSYS));
        assertEquals(2, meter.domains().packages().size());
    }

    @Test
    void amdWithTwoDiesSumsTheDiesAndHasNoDram() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        fs.zone("intel-rapl:0", "package-0-die-0", 0);
        fs.zone("intel-rapl:0:0", "core", 0);
        fs.zone("intel-rapl:1", "package-0-die-1", 0);
        fs.zone("intel-rapl:1:0", "core", 0);
        RaplMeter meter = open();

        fs.set("intel-rapl:0", 90_000_000);
        fs.set("intel-rapl:0:0", 60_000_000);
        fs.set("intel-rapl:1", 80_000_000);
        fs.set("intel-rapl:1:0", 50_000_000);
        MeterReading r = meter.read();

        assertEquals(170.0, joules(r, Component.CPU), 1e-9);
        assertFalse(r.components().containsKey(Component.DRAM));
    }

    @Test
    void mmioDuplicateOfAPackageIsCountedOnce() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        fs.zone("intel-rapl:0", "package-0", 0);
        fs.zone("intel-rapl:0:0", "core", 0);
        fs.zone("intel-rapl:1", "psys", 0);
        fs.zone("intel-rapl-mmio:0", "package-0", 0);
        RaplMeter meter = open();

        fs.set("intel-rapl:0", 10_000_000);
        fs.set("intel-rapl-mmio:0", 10_000_000);
        fs.set("intel-rapl:1", 25_000_000);
        MeterReading r = meter.read();

        assertEquals(10.0, joules(r, Component.CPU), 1e-9, "MSR and MMIO read the same package counter");
        assertEquals(25.0, joules(r, Component.PSYS), 1e-9);
        assertEquals(List.of("intel-rapl:0"), meter.domains().packages().stream().map(RaplZone::id).toList());
    }

    @Test
    void wrapBetweenReadsIsAddedOnce() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        fs.zone("intel-rapl:0", "package-0", FakeSysfs.MAX_RANGE - 1_000_000);
        RaplMeter meter = open();
        fs.set("intel-rapl:0", 2_000_000);
        assertEquals(3.0, joules(meter.read(), Component.CPU), 1e-9);
    }

    @Test
    void zonesAreFoundUnderDevicesVirtualPowercapWithoutClassLinks() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        fs.zone("intel-rapl:0", "package-0", 0);
        fs.zone("intel-rapl:0:0", "dram", 0);
        try (var links = Files.list(tmp.resolve("class/powercap"))) {
            for (Path link : links.toList()) {
                Files.delete(link);
            }
        }
        List<RaplZone> zones = RaplDiscovery.discover(tmp);
        assertEquals(List.of("intel-rapl:0", "intel-rapl:0:0"), zones.stream().map(RaplZone::id).toList());
        assertEquals("intel-rapl:0", zones.get(1).parentId());
    }

    @Test
    void noPowercapMeansNoMeter() {
        assertTrue(RaplMeter.open(tmp).isEmpty());
    }

    @Test
    void unreadableCounterGivesOneMessageWithTheFixAndAutoFallsBack() throws IOException {
        FakeSysfs fs = new FakeSysfs(tmp);
        Path zone = fs.zone("intel-rapl:0", "package-0", 0);
        // Tests run as root, which reads any mode; a directory where the file should be is unreadable for everyone.
        Files.delete(zone.resolve("energy_uj"));
        Files.createDirectory(zone.resolve("energy_uj"));

        RaplUnreadableException e = assertThrows(RaplUnreadableException.class, () -> RaplMeter.open(tmp));
        assertTrue(e.getMessage().contains("chmod"), e.getMessage());
        assertTrue(e.getMessage().contains("intel-rapl:0"), e.getMessage());

        MeterSelection auto = Meters.open(MeterOptions.defaults().withSysfsRoot(tmp));
        assertFalse(auto.meter().name().contains("rapl"));
        assertTrue(auto.notes().stream().anyMatch(n -> n.contains("chmod")), auto.notes().toString());
    }
}
