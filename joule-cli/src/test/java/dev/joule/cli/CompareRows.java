package dev.joule.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Fixed compare rows and settings for report tests (no training). */
final class CompareRows {
    private CompareRows() {}

    static CompareRow row(String model, double accuracy, double bpc, double joulesPerInference) {
        return new CompareRow(model, 70_000, accuracy, bpc, 1e-3f, 500, 90.0, 2_000.0, "model-cpu-time", true,
                joulesPerInference, "model-cpu-time", true, false, 10_000, 2_000_000, 0, 2_000_000, 1.1e-5, 0.4, 256,
                "recurrent state", 100.0);
    }

    /** Six fashion-mnist-like rows over two decades of energy; one name needs escaping. */
    static List<CompareRow> fashionMnist() {
        return List.of(row("transformer", 0.86, Double.NaN, 2.2e-3), row("lstm", 0.87, Double.NaN, 2.5e-3),
                row("gru", 0.855, Double.NaN, 1.6e-3), row("mingru", 0.85, Double.NaN, 2.6e-3),
                row("mamba", 0.84, Double.NaN, 1.2e-2), row("<b>snn&\"x'</b>", 0.83, Double.NaN, 3.0e-4));
    }

    static ObjectNode settings(String task, String unit, String metric) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("task", task).put("budgetSeconds", 90.0).put("schedule", "time-budget warm-up 5 % + cosine to 5 % of peak");
        o.put("batch", 128).put("seed", 0).put("threads", 2).put("meter", "model-cpu-time");
        o.put("inferenceUnit", unit).put("latencyUnit", unit.equals("image") ? "image" : "window of 128 tokens");
        o.put("metric", metric);
        return o;
    }
}
