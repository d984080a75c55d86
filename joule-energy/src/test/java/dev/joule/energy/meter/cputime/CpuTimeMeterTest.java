package dev.joule.energy.meter.cputime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.MeterReading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTimeMeterTest {
    @TempDir
    Path proc;

    private void stat(long pid, long ppid, String comm, long utime, long stime, long cutime, long cstime, long rss)
            throws IOException {
        Files.createDirectories(proc.resolve(String.valueOf(pid)));
        // Fields 3..24 with the ones we read at their places; the rest zero.
        String line = pid + " (" + comm + ") S " + ppid + " 0 0 0 0 0 0 0 0 0 " + utime + " " + stime + " " + cutime
                + " " + cstime + " 0 0 1 0 0 0 " + rss + " 0 0\n";
        Files.writeString(proc.resolve(pid + "/stat"), line);
    }

    @Test
    void parsesCommandNamesWithSpacesAndParentheses() {
        ProcStat s = ProcStat.parse("42 (my (odd) name) R 7 0 0 0 0 0 0 0 0 0 150 50 20 10 0 0 1 0 0 0 300 0");
        assertEquals(42, s.pid());
        assertEquals(7, s.parentPid());
        assertEquals(200, s.ownTicks());
        assertEquals(30, s.reapedChildTicks());
        assertEquals(300, s.residentPages());
    }

    @Test
    void treeSumsLiveDescendantsAndReapedChildren() throws IOException {
        stat(100, 1, "java", 500, 100, 40, 10, 1000);
        stat(200, 100, "sh", 5, 5, 300, 100, 10);
        stat(300, 200, "python3", 700, 50, 0, 0, 2000);
        stat(999, 1, "unrelated", 9999, 9999, 0, 0, 9999);
        ProcFs fs = new ProcFs(proc);

        ProcFs.TreeUsage children = fs.treeUsage(100, false);
        assertEquals(50 + (10 + 400) + 750, children.ticks());
        assertEquals(10 + 2000, children.residentPages());

        ProcFs.TreeUsage all = fs.treeUsage(100, true);
        assertEquals(children.ticks() + 600, all.ticks());
    }

    @Test
    void perThreadChildrenFilesGiveTheSameTreeWithoutAScan() throws IOException {
        stat(100, 1, "java", 500, 100, 40, 10, 1000);
        stat(200, 100, "sh", 5, 5, 300, 100, 10);
        stat(300, 200, "python3", 700, 50, 0, 0, 2000);
        stat(999, 1, "unrelated", 9999, 9999, 0, 0, 9999);
        children(100, 100, "");
        children(100, 101, "200");
        children(200, 200, "300");
        children(300, 300, "");
        assertEquals(50 + (10 + 400) + 750, new ProcFs(proc).treeUsage(100, false).ticks());
        // 999 claims to be a child of 100 in its stat, but no children file lists it: not read at all.
        stat(999, 100, "unrelated", 9999, 9999, 0, 0, 9999);
        assertEquals(50 + (10 + 400) + 750, new ProcFs(proc).treeUsage(100, false).ticks());
    }

    private void children(long pid, long tid, String list) throws IOException {
        Path task = proc.resolve(pid + "/task/" + tid);
        Files.createDirectories(task);
        Files.writeString(task.resolve("children"), list.isEmpty() ? "" : list + " ");
    }

    @Test
    void energyIsActiveCpuTimePlusIdleShareAndLabelledAnEstimate() throws IOException {
        stat(100, 1, "java", 0, 0, 0, 0, 0);
        CpuTimeModel model = new CpuTimeModel(10.0, 0.1, 2, 0.3725, 1L << 40, "Test CPU", "test", 0.5);
        CpuTimeMeter meter = new CpuTimeMeter(new ProcFs(proc), 100, false, model, 100, 4096);
        stat(200, 100, "busy", 150, 50, 0, 0, 0); // 2 s of CPU
        MeterReading r = meter.read();
        ComponentEnergy cpu = r.components().get(Component.CPU);

        assertEquals(2.0, r.cpuSeconds(), 1e-9);
        double idle = cpu.idleJoules();
        assertTrue(idle > 0, "idle share of the elapsed wall time");
        assertEquals(2.0 * 9.0 + idle, cpu.joules(), 1e-9, "2 CPU-seconds x 9 W active");
        assertEquals("model-cpu-time", cpu.source());
        assertTrue(cpu.estimate());
        assertEquals(0.5, cpu.uncertaintyFraction());
    }

    @Test
    void cpuTimeNeverDecreasesWhenAChildVanishesBeforeItsParentReapsIt() throws IOException {
        stat(100, 1, "java", 0, 0, 0, 0, 0);
        CpuTimeModel model = new CpuTimeModel(10.0, 0.1, 1, 0.3725, 1L << 40, "Test CPU", "test", 0.5);
        CpuTimeMeter meter = new CpuTimeMeter(new ProcFs(proc), 100, false, model, 100, 4096);
        stat(200, 100, "child", 100, 0, 0, 0, 0);
        assertEquals(1.0, meter.read().cpuSeconds(), 1e-9);
        Files.delete(proc.resolve("200/stat"));
        Files.delete(proc.resolve("200"));
        assertEquals(1.0, meter.read().cpuSeconds(), 1e-9);
        stat(100, 1, "java", 0, 0, 100, 0, 0);
        assertEquals(1.0, meter.read().cpuSeconds(), 1e-9);
    }

    @Test
    void realProcessTreeOfThisJvmIsReadable() {
        assertTrue(CpuTimeMeter.supported());
        MeterReading r = CpuTimeMeter.forThisProcess(true).read();
        assertTrue(r.components().get(Component.CPU).joules() >= 0);
    }

    @Test
    void powerTableMatchesWholeWordsAndFallsBackToTheDocumentedDefault() {
        CpuPowerTable table = CpuPowerTable.bundled();
        CpuPowerTable.Lookup epyc = table.lookup("AMD EPYC 7763 64-Core Processor", 2);
        assertTrue(epyc.fromTable());
        assertEquals(280.0 / 128, epyc.wattsPerCpu(), 1e-9);
        CpuPowerTable.Lookup xeon = table.lookup("Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz", 2);
        assertEquals(270.0 / 80, xeon.wattsPerCpu(), 1e-9);
        CpuPowerTable.Lookup unknown = table.lookup("AMD EPYC", 2);
        assertFalse(unknown.fromTable());
        assertEquals(CpuPowerTable.DEFAULT_WATTS_PER_CPU, unknown.wattsPerCpu());
        assertFalse(table.lookup("AMD EPYC 77630", 2).fromTable(), "7763 must not match 77630");
    }
}
