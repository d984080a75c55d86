package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareReportTest {
    @TempDir
    Path tmp;

    @Test
    void escapesEveryMarkupCharacter() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;", CompareReport.escape("<a href=\"x\">&'</a>"));
    }

    @Test
    void frontierKeepsOnlyRowsNothingBeatsOnBothAxes() {
        List<CompareRow> rows = CompareRows.fashionMnist();
        List<String> frontier = ParetoFrontier.of(rows).stream().map(CompareRow::model).toList();
        // Cheapest first: snn (0.3 mJ), gru (1.6 mJ, better), transformer (2.2 mJ, better), lstm (2.5 mJ, best).
        assertEquals(List.of("<b>snn&\"x'</b>", "gru", "transformer", "lstm"), frontier);
    }

    @Test
    void bpcFrontierPrefersLowerBitsPerCharacter() {
        List<CompareRow> rows = List.of(CompareRows.row("a", 0.4, 2.6, 1e-4), CompareRows.row("b", 0.4, 2.7, 2e-4),
                CompareRows.row("c", 0.4, 2.5, 3e-4), CompareRows.row("d", 0.4, Double.NaN, Double.NaN));
        assertEquals(List.of("a", "c"), ParetoFrontier.of(rows).stream().map(CompareRow::model).toList());
    }

    @Test
    void pageIsSelfContainedWithARowAndALabelledPointPerModel() throws Exception {
        List<CompareRow> rows = CompareRows.fashionMnist();
        CompareOutput.writeAll(tmp, rows, CompareRows.settings("fashion-mnist", "image", "accuracy"));
        String html = Files.readString(tmp.resolve("compare.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertEquals(rows.size(), count(html, "<tr class=\"on-frontier\">") + count(html, "<tr>") - 1, "body rows + header row");
        assertEquals(rows.size(), count(html, "<circle "));
        assertEquals(4, count(html, "class=\"point on-frontier\""));
        assertEquals(1, count(html, "<polyline class=\"frontier\""));
        for (CompareRow r : rows) {
            assertTrue(html.contains(">" + CompareReport.escape(r.model()) + "</text>"), r.model());
        }
        assertFalse(html.contains("<b>snn"), "names are escaped");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "nothing is fetched");
        assertTrue(html.contains("J per image (log scale)") && html.contains("accuracy (%)"));
        // The files next to it hold the same rows.
        assertEquals(rows.size() + 1, Files.readAllLines(tmp.resolve("compare.csv")).size());
        assertTrue(Files.readString(tmp.resolve("compare.json")).contains("\"paretoOptimal\" : true"));
    }

    @Test
    void pointsSitInsideThePlotOnADecadeAxis() {
        List<CompareRow> rows = CompareRows.fashionMnist();
        ParetoPlot plot = new ParetoPlot(rows, "image");
        for (CompareRow r : rows) {
            double x = plot.x(r.joulesPerInference());
            double y = plot.y(100 * r.accuracy());
            assertTrue(x > 0 && x < ParetoPlot.WIDTH && y > 0 && y < ParetoPlot.HEIGHT, r.model() + " at " + x + "," + y);
        }
        assertTrue(plot.x(1e-3) < plot.x(1e-2), "energy grows to the right");
        assertTrue(plot.y(86) < plot.y(84), "accuracy grows upwards");
        ParetoPlot bpc = new ParetoPlot(List.of(CompareRows.row("a", 0.4, 2.6, 1e-4), CompareRows.row("b", 0.4, 2.9, 1e-5)), "token");
        assertTrue(bpc.y(2.6) < bpc.y(2.9), "lower bpc is plotted higher");
    }

    @Test
    void labelsOfPointsAtTheSameSpotDoNotCoverEachOther() {
        List<CompareRow> rows = List.of(CompareRows.row("alpha", 0.85, Double.NaN, 1e-3), CompareRows.row("beta", 0.85, Double.NaN, 1e-3),
                CompareRows.row("gamma", 0.85, Double.NaN, 1e-3));
        String svg = new ParetoPlot(rows, "image").svg();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<text class=\"label\" x=\"[^\"]+\" y=\"([^\"]+)\"").matcher(svg);
        java.util.Set<String> ys = new java.util.HashSet<>();
        while (m.find()) {
            ys.add(m.group(1));
        }
        assertEquals(3, ys.size(), svg);
    }

    private static int count(String s, String part) {
        return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
