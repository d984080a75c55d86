package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table and JSON of {@code joule bench-generate}. */
final class BenchGenerateOutput {
    private BenchGenerateOutput() {}

    /**
     * {@code {"settings": {...}, "rows": [{"model", "context", "tokens", "passes", "tokensPerSecond", "msPerTokenP50",
     * "joulesPerToken", "energySource", "energyIsEstimate", "belowResolution", "stateKind", "stateFloats",
     * "stateBytes", "constantState", "prefillSeconds", "generationSeconds", "medianPassSeconds"}, ...]}}
     */
    static ObjectNode json(List<GenerationRow> rows, ObjectNode settings) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("settings", settings);
        ArrayNode a = o.putArray("rows");
        for (GenerationRow r : rows) {
            ObjectNode n = a.addObject();
            n.put("model", r.model()).put("context", r.context()).put("tokens", r.tokens()).put("passes", r.passes());
            n.put("tokensPerSecond", r.tokensPerSecond()).put("msPerTokenP50", r.msPerTokenP50());
            putNumber(n, "joulesPerToken", r.joulesPerToken());
            n.put("energySource", r.energySource()).put("energyIsEstimate", r.energyIsEstimate());
            n.put("belowResolution", r.belowResolution());
            n.put("stateKind", r.stateKind()).put("stateFloats", r.stateFloats()).put("stateBytes", r.stateBytes());
            n.put("constantState", r.constantState());
            n.put("prefillSeconds", r.prefillSeconds()).put("generationSeconds", r.generationSeconds());
            n.put("medianPassSeconds", r.medianPassSeconds());
        }
        return o;
    }

    private static void putNumber(ObjectNode n, String key, double value) {
        if (Double.isNaN(value)) {
            n.putNull(key);
        } else {
            n.put(key, value);
        }
    }

    /**
     * One line per model and context; "x first" is the p50 step time relative to the model's first context,
     * the column that shows whether per-token cost grows with the context.
     */
    static void table(PrintWriter out, List<GenerationRow> rows, ObjectNode settings) {
        out.printf(Locale.ROOT, "Generation after a prompt of each context length: %d tokens greedy, batch 1, %d threads, "
                + "untrained char-LM models (vocab %d), %d warm-up tokens%n", settings.get("tokens").asInt(),
                settings.get("threads").asInt(), settings.get("vocabSize").asInt(), settings.get("warmup").asInt());
        String fmt = "%-20s %8s %10s %12s %8s %14s %12s %12s  %s%n";
        out.printf(Locale.ROOT, fmt, "model", "context", "tokens/s", "ms/token p50", "x first", "J/token", "state floats",
                "state bytes", "state");
        Map<String, Double> first = new HashMap<>();
        boolean anyEstimate = false;
        boolean anyBelow = false;
        for (GenerationRow r : rows) {
            double base = first.computeIfAbsent(r.model(), k -> r.msPerTokenP50());
            String joules = EnergyFormat.joules(r.joulesPerToken()) + (r.belowResolution() ? "*" : "");
            anyEstimate |= r.energyIsEstimate();
            anyBelow |= r.belowResolution();
            out.printf(Locale.ROOT, fmt, r.model(), r.context(), String.format(Locale.ROOT, "%.1f", r.tokensPerSecond()),
                    String.format(Locale.ROOT, "%.3f", r.msPerTokenP50()),
                    String.format(Locale.ROOT, "%.2f", r.msPerTokenP50() / base), joules, r.stateFloats(),
                    bytes(r.stateBytes()), r.stateKind());
        }
        out.printf("J/token source: %s%s%n", settings.get("meter").asText(),
                anyEstimate ? " (an estimate, not a measurement: see docs/energy.md for its band)" : " (measured)");
        if (anyBelow) {
            out.println("* window shorter than the meter's resolution: the run's mean power x the window's duration");
        }
    }

    static String bytes(long b) {
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
