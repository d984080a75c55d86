package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/** Renders {@code joule compare} rows as a table, one JSON object, and CSV; files are replaced atomically. */
final class CompareOutput {
    static final String CSV_HEADER = "model,parameters,accuracy,bpc,learning_rate,steps,train_s,train_kwh,train_source,"
            + "train_estimate,j_per_inference,inference_unit,inference_source,inference_estimate,inference_below_resolution,"
            + "inferences,macs_per_inference,acs_per_inference,counted_macs_per_inference,analytic_45nm_j_per_inference,"
            + "p50_latency_ms,latency_unit,state_floats_per_stream,state_kind,energy_ratio_to_transformer,pareto_optimal";

    private CompareOutput() {}

    /** J/inference of this row divided by the transformer's, NaN when no transformer row was run. */
    static double ratioToTransformer(CompareRow r, List<CompareRow> rows) {
        return rows.stream().filter(t -> t.model().equals("transformer")).findFirst()
                .map(t -> r.joulesPerInference() / t.joulesPerInference()).orElse(Double.NaN);
    }

    /** The quality column's text: accuracy, or bpc on char-lm. */
    static String quality(CompareRow r) {
        return r.hasBpc() ? String.format(Locale.ROOT, "%.3f bpc", r.bpc()) : String.format(Locale.ROOT, "%.2f %%", 100 * r.accuracy());
    }

    static void table(PrintWriter out, List<CompareRow> rows, ObjectNode settings) {
        String unit = settings.get("inferenceUnit").asText();
        out.printf(Locale.ROOT, "compare on %s: budget %s s of training per model, %d threads, energy meter %s%n",
                settings.get("task").asText(), settings.get("budgetSeconds").asText(), settings.get("threads").asInt(),
                settings.get("meter").asText());
        String fmt = "%-19s %9s %10s %7s %9s %9s %-24s %11s %11s %10s %11s %11s %-30s %8s%n";
        out.printf(Locale.ROOT, fmt, "model", "params", settings.get("metric").asText(), "steps", "train", "train kWh",
                "  (source)", "J/" + unit, "MACs/" + unit, "ACs/" + unit, "45nm J/" + unit, "p50 latency", "state memory", "E/E(tf)");
        for (CompareRow r : rows) {
            double ratio = ratioToTransformer(r, rows);
            out.printf(Locale.ROOT, fmt, r.model() + (ParetoFrontier.onFrontier(r, rows) ? " *" : ""), r.parameters(),
                    quality(r), r.steps(), EnergyFormat.seconds(r.trainSeconds()), EnergyFormat.kwh(r.trainJoules()),
                    "  " + source(r.trainSource(), r.trainEstimate(), false), sci(r.joulesPerInference()),
                    String.valueOf(r.macsPerInference()), String.valueOf(r.acsPerInference()), sci(r.analyticJoulesPerInference()),
                    String.format(Locale.ROOT, "%.3f ms", r.p50LatencyMillis()), stateText(r),
                    Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio));
        }
        out.println("* on the Pareto frontier of " + settings.get("metric").asText() + " vs J/" + unit + ".");
        out.println("J/" + unit + " source: " + rows.stream().map(r -> r.model() + "=" + source(r.inferenceSource(),
                r.inferenceEstimate(), r.inferenceBelowResolution())).reduce((a, b) -> a + ", " + b).orElse("-"));
        out.println("45nm J/" + unit + ": Horowitz ISSCC 2014 45 nm fp32 (E_MAC 4.6 pJ, E_AC 0.9 pJ) on counted MACs, "
                + "other flops incl. spike ACs (as E_AC) and bytes (as SRAM): an estimate, ±100 %.");
        out.println("p50 latency: one " + settings.get("latencyUnit").asText() + " at batch 1. Details: docs/compare.md.");
    }

    static String stateText(CompareRow r) {
        return r.stateFloats() < 0 ? "-" : r.stateFloats() + " floats (" + r.stateKind() + ")";
    }

    private static String source(String source, boolean estimate, boolean belowResolution) {
        return source + (estimate ? " (estimate)" : "") + (belowResolution ? " (below meter resolution)" : "");
    }

    static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3e", v);
    }

    static ObjectNode json(List<CompareRow> rows, ObjectNode settings) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("command", "compare");
        o.set("settings", settings);
        ArrayNode a = o.putArray("rows");
        for (CompareRow r : rows) {
            ObjectNode j = a.addObject();
            j.put("model", r.model()).put("parameters", r.parameters()).put("accuracy", r.accuracy());
            putNumber(j, "bpc", r.bpc());
            j.put("learningRate", r.learningRate()).put("steps", r.steps());
            j.put("trainSeconds", r.trainSeconds()).put("trainJoules", r.trainJoules()).put("trainKwh", r.trainKwh());
            j.put("trainSource", r.trainSource()).put("trainEstimate", r.trainEstimate());
            j.put("joulesPerInference", r.joulesPerInference()).put("inferenceUnit", settings.path("inferenceUnit").asText());
            j.put("inferenceSource", r.inferenceSource());
            j.put("inferenceEstimate", r.inferenceEstimate()).put("inferenceBelowResolution", r.inferenceBelowResolution());
            j.put("inferences", r.inferences());
            j.put("macsPerInference", r.macsPerInference()).put("acsPerInference", r.acsPerInference());
            j.put("countedMacsPerInference", r.countedMacsPerInference());
            j.put("analytic45nmJoulesPerInference", r.analyticJoulesPerInference());
            j.put("p50LatencyMillis", r.p50LatencyMillis()).put("latencyUnit", settings.path("latencyUnit").asText());
            if (r.stateFloats() >= 0) {
                j.put("stateFloatsPerStream", r.stateFloats());
            } else {
                j.putNull("stateFloatsPerStream");
            }
            j.put("stateKind", r.stateKind());
            putNumber(j, "energyRatioToTransformer", ratioToTransformer(r, rows));
            j.put("paretoOptimal", ParetoFrontier.onFrontier(r, rows)).put("wallSeconds", r.wallSeconds());
        }
        return o;
    }

    private static void putNumber(ObjectNode j, String field, double v) {
        if (Double.isNaN(v)) {
            j.putNull(field);
        } else {
            j.put(field, v);
        }
    }

    static String csv(List<CompareRow> rows, ObjectNode settings) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (CompareRow r : rows) {
            sb.append(String.join(",", csvField(r.model()), Long.toString(r.parameters()), num(r.accuracy()), num(r.bpc()),
                    Float.toString(r.learningRate()), Long.toString(r.steps()), num(r.trainSeconds()), num(r.trainKwh()),
                    csvField(r.trainSource()), Boolean.toString(r.trainEstimate()), num(r.joulesPerInference()),
                    csvField(settings.path("inferenceUnit").asText()), csvField(r.inferenceSource()),
                    Boolean.toString(r.inferenceEstimate()), Boolean.toString(r.inferenceBelowResolution()),
                    Long.toString(r.inferences()), Long.toString(r.macsPerInference()), Long.toString(r.acsPerInference()),
                    Long.toString(r.countedMacsPerInference()), num(r.analyticJoulesPerInference()), num(r.p50LatencyMillis()),
                    csvField(settings.path("latencyUnit").asText()), r.stateFloats() < 0 ? "" : Long.toString(r.stateFloats()),
                    csvField(r.stateKind()), num(ratioToTransformer(r, rows)), Boolean.toString(ParetoFrontier.onFrontier(r, rows))));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** RFC 4180: quote a field that holds a comma, quote or line break. */
    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** compare.json, compare.csv and compare.html in {@code dir}, each replaced atomically. */
    static void writeAll(Path dir, List<CompareRow> rows, ObjectNode settings) throws IOException {
        writeAtomically(dir.resolve("compare.json"), json(rows, settings).toPrettyString() + "\n");
        writeAtomically(dir.resolve("compare.csv"), csv(rows, settings));
        writeAtomically(dir.resolve("compare.html"), CompareReport.html(rows, settings));
    }

    /** A temporary file is private (rw-------); a report is meant to be opened by anyone who can read the directory. */
    private static void readableByAll(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Writes next to the target, then renames, so a reader never sees half a file. */
    static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            readableByAll(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
