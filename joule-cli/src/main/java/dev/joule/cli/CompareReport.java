package dev.joule.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * {@code compare.html}: one self-contained page (inline CSS, inline SVG, a few lines of inline script;
 * nothing is fetched) with the settings, the table of rows and the Pareto plot. Every text that comes
 * from data is escaped.
 *
 * <p>The script runs after layout and writes into {@code #rendered-points} how many plot points have a
 * non-empty box inside the plot, and into {@code #rendered-rows} how many table rows were laid out, so a
 * headless browser's DOM dump shows whether the page really rendered.
 */
final class CompareReport {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#1d2330;background:#fff}
            h1{font-size:1.4em;margin-bottom:.2em}
            p.settings{color:#4a5263;margin-top:0}
            div.scroll{overflow-x:auto}
            table{border-collapse:collapse;font-size:.85em;margin:1em 0}
            th,td{border:1px solid #d5d9e2;padding:.3em .5em;text-align:right;white-space:nowrap}
            th{background:#eef1f6}
            td.model,th.model,td.text{text-align:left}
            tr.on-frontier td.model{font-weight:bold}
            .plot-area{fill:#fafbfd;stroke:#9aa3b5}
            .grid{stroke:#e2e6ee}
            .minor{stroke:#9aa3b5}
            .tick{font-size:11px;fill:#4a5263}
            .axis{font-size:12px;fill:#1d2330}
            .point circle{fill:#7d8aa6;stroke:#fff;stroke-width:1}
            .point.on-frontier circle{fill:#d0491f}
            .label{font-size:11px;fill:#1d2330}
            .frontier{fill:none;stroke:#d0491f;stroke-width:1.5;stroke-dasharray:5 3}
            p.notes,p.render{color:#4a5263;font-size:.85em}
            """;

    private static final String SCRIPT = """
            window.addEventListener('load', function () {
              var area = document.querySelector('#pareto .plot-area').getBoundingClientRect();
              var n = 0;
              document.querySelectorAll('#pareto .point circle').forEach(function (c) {
                var b = c.getBoundingClientRect();
                var cx = b.left + b.width / 2, cy = b.top + b.height / 2;
                if (b.width > 0 && b.height > 0 && cx >= area.left - 1 && cx <= area.right + 1
                    && cy >= area.top - 1 && cy <= area.bottom + 1) { n++; }
              });
              document.getElementById('rendered-points').textContent = String(n);
              var rows = 0;
              document.querySelectorAll('#rows tbody tr').forEach(function (r) { if (r.getBoundingClientRect().height > 0) { rows++; } });
              document.getElementById('rendered-rows').textContent = String(rows);
            });
            """;

    private CompareReport() {}

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String html(List<CompareRow> rows, ObjectNode settings) {
        String task = settings.path("task").asText();
        String unit = settings.path("inferenceUnit").asText("inference");
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.append("<title>").append(escape("joule compare: " + task)).append("</title>\n");
        h.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(escape("joule compare: " + task)).append("</h1>\n");
        h.append("<p class=\"settings\">").append(escape(settingsLine(settings))).append("</p>\n");
        table(h, rows, settings, unit);
        h.append("<h2>Energy–").append(rows.stream().anyMatch(CompareRow::hasBpc) ? "bpc" : "accuracy").append(" frontier</h2>\n");
        h.append(new ParetoPlot(rows, unit).svg());
        List<String> skipped = rows.stream().filter(r -> !ParetoFrontier.plottable(r)).map(CompareRow::model).toList();
        if (!skipped.isEmpty()) {
            h.append("<p class=\"notes\">Not plotted (no positive energy figure): ").append(escape(String.join(", ", skipped)))
                    .append("</p>\n");
        }
        h.append("<p class=\"notes\">").append(escape("Orange points are on the Pareto frontier: no other model is both "
                + "cheaper per " + unit + " and better. J per " + unit + " comes from the source in its column; estimates "
                + "are marked. 45 nm figures: Horowitz ISSCC 2014 (E_MAC 4.6 pJ, E_AC 0.9 pJ), ±100 %. See docs/compare.md."))
                .append("</p>\n");
        h.append("<p class=\"render\">Rendered plot points: <span id=\"rendered-points\">not measured</span>; rendered table rows: "
                + "<span id=\"rendered-rows\">not measured</span>.</p>\n");
        h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String settingsLine(ObjectNode s) {
        return String.format(Locale.ROOT, "%s s of training per model (%s), batch %s, seed %s, %s threads; energy meter %s; "
                        + "one inference = one %s; latency = one %s at batch 1.",
                s.path("budgetSeconds").asText(), s.path("schedule").asText(), s.path("batch").asText(), s.path("seed").asText(),
                s.path("threads").asText(), s.path("meter").asText(), s.path("inferenceUnit").asText(), s.path("latencyUnit").asText());
    }

    private static void table(StringBuilder h, List<CompareRow> rows, ObjectNode settings, String unit) {
        boolean bpc = rows.stream().anyMatch(CompareRow::hasBpc);
        String[] head = {"model", "parameters", bpc ? "bpc" : "accuracy", "steps", "peak lr", "training time",
            "training energy", "J per " + unit, "J source", "MACs per " + unit, "ACs per " + unit, "45 nm J per " + unit,
            "p50 latency", "state / KV memory", "energy vs transformer"};
        h.append("<div class=\"scroll\"><table id=\"rows\">\n<thead><tr>");
        for (String c : head) {
            h.append(c.equals("model") ? "<th class=\"model\">" : "<th>").append(escape(c)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (CompareRow r : rows) {
            double ratio = CompareOutput.ratioToTransformer(r, rows);
            boolean frontier = ParetoFrontier.onFrontier(r, rows);
            h.append(frontier ? "<tr class=\"on-frontier\">" : "<tr>");
            cell(h, "model", r.model() + (frontier ? " ★" : ""));
            cell(h, null, Long.toString(r.parameters()));
            cell(h, null, CompareOutput.quality(r));
            cell(h, null, Long.toString(r.steps()));
            cell(h, null, String.format(Locale.ROOT, "%.1e", r.learningRate()));
            cell(h, null, EnergyFormat.seconds(r.trainSeconds()));
            cell(h, null, EnergyFormat.kwh(r.trainJoules()) + " (" + r.trainSource() + (r.trainEstimate() ? ", estimate" : "") + ")");
            cell(h, null, CompareOutput.sci(r.joulesPerInference()) + " J");
            cell(h, "text", r.inferenceSource() + (r.inferenceEstimate() ? " (estimate)" : "")
                    + (r.inferenceBelowResolution() ? " (below meter resolution)" : ""));
            cell(h, null, Long.toString(r.macsPerInference()));
            cell(h, null, Long.toString(r.acsPerInference()));
            cell(h, null, CompareOutput.sci(r.analyticJoulesPerInference()) + " J");
            cell(h, null, String.format(Locale.ROOT, "%.3f ms", r.p50LatencyMillis()));
            cell(h, "text", CompareOutput.stateText(r));
            cell(h, null, Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f×", ratio));
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static void cell(StringBuilder h, String cssClass, String text) {
        h.append(cssClass == null ? "<td>" : "<td class=\"" + cssClass + "\">").append(escape(text)).append("</td>");
    }
}
