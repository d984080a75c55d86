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
import java.util.List;
import java.util.Locale;

/** Renders {@code joule compare} rows as a table, one JSON object, and CSV; files are replaced atomically. */
final class CompareOutput {
    static final String CSV_HEADER = "model,parameters,accuracy,steps,train_s,train_kwh,train_source,train_estimate,"
            + "j_per_inference,inference_source,inference_estimate,inference_below_resolution,inferences,"
            + "macs_per_inference,counted_macs_per_inference,analytic_45nm_j_per_inference,p50_latency_ms,"
            + "state_floats_per_stream,energy_ratio_to_transformer";

    private CompareOutput() {}

    /** J/inference of this row divided by the transformer's, NaN when no transformer row was run. */
    static double ratioToTransformer(CompareRow r, List<CompareRow> rows) {
        return rows.stream().filter(t -> t.model().equals("transformer")).findFirst()
                .map(t -> r.joulesPerInference() / t.joulesPerInference()).orElse(Double.NaN);
    }

    static void table(PrintWriter out, List<CompareRow> rows, ObjectNode settings) {
        out.printf(Locale.ROOT, "compare on %s: budget %s s of training per model, %d threads, energy meter %s%n",
                settings.get("task").asText(), settings.get("budgetSeconds").asText(), settings.get("threads").asInt(),
                settings.get("meter").asText());
        String fmt = "%-18s %10s %8s %9s %12s %-26s %12s %14s %10s %12s %-24s %8s%n";
        out.printf(Locale.ROOT, fmt, "model", "params", "acc", "train", "train energy", "  (source)", "J/inference",
                "MACs/inference", "45nm J/inf", "p50 latency", "state memory", "E/E(tf)");
        for (CompareRow r : rows) {
            double ratio = ratioToTransformer(r, rows);
            out.printf(Locale.ROOT, fmt, r.model(), r.parameters(), String.format(Locale.ROOT, "%.2f %%", 100 * r.accuracy()),
                    EnergyFormat.seconds(r.trainSeconds()), EnergyFormat.kwh(r.trainJoules()),
                    "  " + source(r.trainSource(), r.trainEstimate(), false),
                    sci(r.joulesPerInference()) + " J", String.valueOf(r.macsPerInference()),
                    sci(r.analyticJoulesPerInference()) + " J",
                    String.format(Locale.ROOT, "%.3f ms", r.p50LatencyMillis()),
                    r.stateFloats() < 0 ? "-" : r.stateFloats() + " floats",
                    Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio));
        }
        out.println("J/inference source: " + rows.stream().map(r -> r.model() + "=" + source(r.inferenceSource(),
                r.inferenceEstimate(), r.inferenceBelowResolution())).reduce((a, b) -> a + ", " + b).orElse("-"));
        out.println("45nm J/inf: Horowitz ISSCC 2014 fp32 table applied to counted MACs, flops and bytes (as SRAM): an estimate, ±100 %.");
        out.println("Accuracy: full test split; J/inference: passes over it in batches under no-grad; p50 latency: single images.");
    }

    private static String source(String source, boolean estimate, boolean belowResolution) {
        return source + (estimate ? " (estimate)" : "") + (belowResolution ? " (below meter resolution)" : "");
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3e", v);
    }

    static ObjectNode json(List<CompareRow> rows, ObjectNode settings) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("command", "compare");
        o.set("settings", settings);
        ArrayNode a = o.putArray("rows");
        for (CompareRow r : rows) {
            ObjectNode j = a.addObject();
            j.put("model", r.model()).put("parameters", r.parameters()).put("accuracy", r.accuracy()).put("steps", r.steps());
            j.put("trainSeconds", r.trainSeconds()).put("trainJoules", r.trainJoules()).put("trainKwh", r.trainKwh());
            j.put("trainSource", r.trainSource()).put("trainEstimate", r.trainEstimate());
            j.put("joulesPerInference", r.joulesPerInference()).put("inferenceSource", r.inferenceSource());
            j.put("inferenceEstimate", r.inferenceEstimate()).put("inferenceBelowResolution", r.inferenceBelowResolution());
            j.put("inferences", r.inferences());
            j.put("macsPerInference", r.macsPerInference()).put("countedMacsPerInference", r.countedMacsPerInference());
            j.put("analytic45nmJoulesPerInference", r.analyticJoulesPerInference());
            j.put("p50LatencyMillis", r.p50LatencyMillis());
            if (r.stateFloats() >= 0) {
                j.put("stateFloatsPerStream", r.stateFloats());
            } else {
                j.putNull("stateFloatsPerStream");
            }
            double ratio = ratioToTransformer(r, rows);
            if (Double.isNaN(ratio)) {
                j.putNull("energyRatioToTransformer");
            } else {
                j.put("energyRatioToTransformer", ratio);
            }
        }
        return o;
    }

    static String csv(List<CompareRow> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (CompareRow r : rows) {
            double ratio = ratioToTransformer(r, rows);
            sb.append(String.join(",", r.model(), Long.toString(r.parameters()), num(r.accuracy()), Long.toString(r.steps()),
                    num(r.trainSeconds()), num(r.trainKwh()), r.trainSource(), Boolean.toString(r.trainEstimate()),
                    num(r.joulesPerInference()), r.inferenceSource(), Boolean.toString(r.inferenceEstimate()),
                    Boolean.toString(r.inferenceBelowResolution()), Long.toString(r.inferences()),
                    Long.toString(r.macsPerInference()), Long.toString(r.countedMacsPerInference()),
                    num(r.analyticJoulesPerInference()), num(r.p50LatencyMillis()),
                    r.stateFloats() < 0 ? "" : Long.toString(r.stateFloats()), Double.isNaN(ratio) ? "" : num(ratio)));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** Writes next to the target, then renames, so a reader never sees half a file. */
    static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
