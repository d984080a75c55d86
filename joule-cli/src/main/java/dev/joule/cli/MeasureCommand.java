package dev.joule.cli;

import dev.joule.energy.EnergyException;
import dev.joule.energy.carbon.CarbonIntensityTable;
import dev.joule.energy.carbon.CarbonSettings;
import dev.joule.energy.meter.EnergyMeter;
import dev.joule.energy.meter.MeterOptions;
import dev.joule.energy.meter.MeterSelection;
import dev.joule.energy.meter.Meters;
import dev.joule.energy.meter.nvml.NvmlMeter;
import dev.joule.energy.record.CsvRecordWriter;
import dev.joule.energy.record.HostInfo;
import dev.joule.energy.record.RunRecord;
import dev.joule.energy.record.RunStore;
import dev.joule.energy.track.EnergyReport;
import dev.joule.energy.track.EnergyRun;
import dev.joule.energy.track.EnergyTracker;
import dev.joule.energy.track.TrackerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code joule measure -- CMD ARGS}: runs a command, measures it and its children, records the run. */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = {"Run a command and measure the energy and emissions of it and its child processes.",
            "Prints energy per component with its source, duration, mean power and emissions, records the run "
                    + "in SQLite (and CSV with --csv) and exits with the command's exit code."},
        footer = {"", "Example: joule measure --region FR --pue 1.2 --interval 500ms -- python3 train.py"})
final class MeasureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--region", description = "Grid region: ISO country code (FR) or cloud region (aws:eu-west-3). "
            + "Default: config file, then $JOULE_REGION, then the world average.")
    String region;

    @Option(names = "--pue", description = "Power usage effectiveness: a number >= 1 or a preset "
            + "(local, datacenter, aws, gcp, azure, ovh). Default 1.0 locally, the provider's for a cloud region.")
    String pue;

    @Option(names = "--renewable", description = "Share (0..1) of the energy from a dedicated renewable supply.")
    Double renewable;

    @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "Sampling interval (default ${DEFAULT-VALUE}), e.g. 500ms.")
    Duration interval;

    @Option(names = "--meter", defaultValue = "auto",
            description = "auto (best available), rapl, nvml or model-cpu-time.")
    String meter;

    @Option(names = "--name", description = "Project name in the records (default: the command's name).")
    String name;

    @Option(names = "--csv", description = "Append a CodeCarbon-compatible row to this CSV file.")
    Path csv;

    @Option(names = "--db", description = "SQLite database of runs (default ~/.joule/joule.db).")
    Path db;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command to run, after '--'.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        if ("analytic".equals(meter)) {
            throw new UsageException("--meter analytic needs op counts from Joule's own engine; an external command "
                    + "has none. Use auto, rapl, nvml or model-cpu-time");
        }
        CarbonSettings carbon;
        try {
            carbon = CarbonSettings.resolve(region, pue, renewable, config(), System.getenv(),
                    CarbonIntensityTable.bundled());
        } catch (EnergyException badFlag) {
            throw new UsageException(badFlag.getMessage());
        }
        MeterSelection selection = Meters.open(MeterOptions.defaults().withChoice(meter).withIncludeSelf(false));
        EnergyMeter energyMeter = selection.meter();
        String runName = name != null ? name : Path.of(command.get(0)).getFileName().toString();
        String commandLine = quoted(command);
        List<String> gpus = NvmlMeter.deviceNames(energyMeter);
        HostInfo host = HostInfo.detect().withGpus(gpus.size(), String.join(", ", new java.util.TreeSet<>(gpus)));

        try (RunStore store = RunStore.open(db != null ? db : RunStore.defaultPath()); energyMeter) {
            RunRecord started = store.insert(RunRecord.started(runName, commandLine, java.time.Instant.now(), carbon,
                    energyMeter.describe(), host));
            TrackerConfig config = TrackerConfig.defaults().withMeter(energyMeter).withSampleInterval(interval)
                    .withCarbon(carbon).withListener((r, sample) -> store.addSample(started.id(), sample));
            EnergyRun run = EnergyTracker.start(runName, config);
            int exitCode = runCommand(run, store, started, host);
            EnergyReport report = run.end();
            RunRecord done = started.updatedFrom(RunRecord.of(report, commandLine,
                    exitCode == 0 ? RunRecord.STATUS_FINISHED : RunRecord.STATUS_FAILED, exitCode,
                    energyMeter.describe(), host));
            store.update(done);
            String csvNote = null;
            if (csv != null) {
                // A redirected write is logged as a warning (stderr) by the writer itself.
                csvNote = CsvRecordWriter.append(csv, done).path().toString();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(MeasureSummary.json(done, report));
            } else {
                MeasureSummary.print(out, done, report, store.file(), csvNote);
            }
            out.flush();
            return exitCode;
        }
    }

    /**
     * Runs the command with the terminal inherited and returns its exit code. A command that cannot
     * start is recorded as failed with 127 (the shell's "not found") and reported as a usage error;
     * SIGINT/SIGTERM to joule stops the command and records the run as interrupted.
     */
    private int runCommand(EnergyRun run, RunStore store, RunRecord started, HostInfo host) throws InterruptedException {
        String meters = started.meters();
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            store.update(started.updatedFrom(RunRecord.of(run.end(), started.command(), RunRecord.STATUS_FAILED, 127,
                    meters, host)));
            throw new UsageException("cannot run '" + command.get(0) + "': " + e.getMessage());
        }
        Thread onSignal = new Thread(() -> {
            process.destroy();
            try {
                store.update(started.updatedFrom(RunRecord.of(run.end(), started.command(), "interrupted", null,
                        meters, host)));
            } catch (RuntimeException e) {
                // The normal path finished the record first and closed the store.
            }
        }, "joule-measure-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return process.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // A signal arrived after the command ended: the hook records the run.
            }
        }
    }

    /** The command as a shell would need it typed: arguments with spaces or quotes in single quotes. */
    static String quoted(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            boolean plain = !w.isEmpty()
                    && w.chars().noneMatch(ch -> Character.isWhitespace(ch) || "'\"\\$`!*?;&|<>()".indexOf(ch) >= 0);
            sb.append(plain ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** {@code ~/.joule/config.properties} (keys region, pue, renewable) when present; never written. */
    private static Properties config() throws IOException {
        Properties p = new Properties();
        Path file = Path.of(System.getProperty("user.home"), ".joule", "config.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }
}
