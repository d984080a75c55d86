package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.joule.energy.Component;
import dev.joule.energy.record.RunRecord;
import dev.joule.energy.record.RunStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule runs}: the recorded runs, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List the runs recorded by 'joule measure'.")
final class RunsCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Option(names = "--db", description = "SQLite database of runs (default ~/.joule/joule.db).")
    Path db;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Option(names = "--limit", defaultValue = "50", description = "Show at most this many runs (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        List<RunRecord> runs;
        try (RunStore store = RunStore.open(db != null ? db : RunStore.defaultPath())) {
            runs = store.runs().stream().limit(Math.max(0, limit)).toList();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (RunRecord r : runs) {
                ObjectNode o = array.addObject();
                o.put("id", r.id());
                o.put("name", r.name());
                o.put("command", r.command());
                o.put("started_utc", r.startedAt().toString());
                o.put("status", r.status());
                o.put("exit_code", r.exitCode());
                o.put("duration_s", r.durationSeconds());
                o.put("it_energy_j", r.itJoules());
                for (Component c : Component.values()) {
                    o.put(c.column() + "_energy_j", r.components().containsKey(c) ? r.joules(c) : null);
                    o.put(c.column() + "_source", r.source(c));
                }
                o.put("estimate", r.anyEstimate());
                o.put("emissions_kg", r.carbon().emissionsKg());
                o.put("region", r.intensity().code());
            }
            out.println(mapper.writeValueAsString(array));
        } else if (runs.isEmpty()) {
            out.println("no runs recorded yet; try: joule measure -- sleep 1");
        } else {
            out.printf("%5s  %-20s  %-11s  %4s  %10s  %12s  %-15s  %13s  %s%n", "id", "started", "status", "exit",
                    "duration", "energy", "cpu source", "emissions", "command");
            for (RunRecord r : runs) {
                out.printf(Locale.ROOT, "%5d  %-20s  %-11s  %4s  %10s  %12s  %-15s  %13s  %s%n", r.id(),
                        WHEN.format(r.startedAt()), r.status(), r.exitCode() == null ? "-" : r.exitCode(),
                        EnergyFormat.seconds(r.durationSeconds()), EnergyFormat.joules(r.itJoules()),
                        r.source(Component.CPU), EnergyFormat.co2(r.carbon().emissionsKg()), r.command());
            }
        }
        out.flush();
        return 0;
    }
}
