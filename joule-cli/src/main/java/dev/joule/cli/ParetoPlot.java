package dev.joule.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Pareto plot of {@code compare.html} as inline SVG: quality (accuracy, or bits per character with the
 * axis flipped so that better is always up) against J/inference on a log axis, a labelled point per model,
 * the frontier's points highlighted and joined from the cheapest to the most expensive.
 */
final class ParetoPlot {
    static final int WIDTH = 760;
    static final int HEIGHT = 440;
    private static final int LEFT = 78;
    private static final int RIGHT = 130;
    private static final int TOP = 20;
    private static final int BOTTOM = 56;
    private static final int Y_TICKS = 5;
    /** Label metrics at 11 px: an upper bound of a character's width and the line height. */
    private static final double LABEL_CHAR_WIDTH = 6.5;
    private static final double LABEL_LINE = 12;

    private final List<CompareRow> rows;
    private final boolean bpc;
    private final String unit;
    private final double logMin;
    private final double logMax;
    private final double qMin;
    private final double qMax;

    ParetoPlot(List<CompareRow> rows, String inferenceUnit) {
        this.rows = rows.stream().filter(ParetoFrontier::plottable).toList();
        this.bpc = rows.stream().anyMatch(CompareRow::hasBpc);
        this.unit = inferenceUnit;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double ql = Double.POSITIVE_INFINITY;
        double qh = Double.NEGATIVE_INFINITY;
        for (CompareRow r : this.rows) {
            lo = Math.min(lo, Math.log10(r.joulesPerInference()));
            hi = Math.max(hi, Math.log10(r.joulesPerInference()));
            ql = Math.min(ql, value(r));
            qh = Math.max(qh, value(r));
        }
        if (this.rows.isEmpty()) {
            lo = -3;
            hi = -2;
            ql = 0;
            qh = 1;
        }
        // Whole decades around the data, at least one; a margin of 5 % of the quality span (or 1 point) above and below.
        this.logMin = Math.floor(lo);
        this.logMax = Math.max(Math.ceil(hi), logMin + 1);
        double pad = Math.max((qh - ql) * 0.08, bpc ? 0.02 : 0.5);
        this.qMin = bpc ? ql - pad : Math.max(0, ql - pad);
        this.qMax = bpc ? qh + pad : Math.min(100, qh + pad);
    }

    /** The plotted quality: accuracy in percent, or bits per character. */
    private double value(CompareRow r) {
        return r.hasBpc() ? r.bpc() : 100 * r.accuracy();
    }

    double x(double joules) {
        return LEFT + (Math.log10(joules) - logMin) / (logMax - logMin) * (WIDTH - LEFT - RIGHT);
    }

    /** Better is up: high accuracy, low bpc. */
    double y(double quality) {
        double f = (quality - qMin) / (qMax - qMin);
        double plotHeight = HEIGHT - TOP - BOTTOM;
        return bpc ? TOP + f * plotHeight : TOP + (1 - f) * plotHeight;
    }

    String svg() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg id=\"pareto\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT,
                CompareReport.escape(axisLabel() + " against J per " + unit)));
        axes(s);
        List<CompareRow> frontier = ParetoFrontier.of(rows);
        if (frontier.size() > 1) {
            s.append("<polyline class=\"frontier\" points=\"");
            for (CompareRow r : frontier) {
                s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(r.joulesPerInference()), y(value(r))));
            }
            s.append("\"/>\n");
        }
        List<double[]> placed = new ArrayList<>();
        for (CompareRow r : rows) {
            boolean onFrontier = frontier.contains(r);
            double px = x(r.joulesPerInference());
            double py = y(value(r));
            double labelY = labelY(placed, px + 9, py + 4, r.model().length());
            s.append(String.format(Locale.ROOT, "<g class=\"point%s\" data-model=\"%s\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\">"
                            + "<title>%s</title></circle><text class=\"label\" x=\"%.1f\" y=\"%.1f\">%s</text></g>%n",
                    onFrontier ? " on-frontier" : "", CompareReport.escape(r.model()), px, py, onFrontier ? 6 : 5,
                    CompareReport.escape(r.model() + ": " + CompareOutput.quality(r) + ", "
                            + CompareOutput.sci(r.joulesPerInference()) + " J per " + unit),
                    px + 9, labelY, CompareReport.escape(r.model())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /**
     * The baseline of a label at {@code (x, y)}, moved up or down by a line at a time (at most two) when it would
     * cover a label already placed; the chosen box is added to {@code placed}.
     */
    private static double labelY(List<double[]> placed, double x, double y, int chars) {
        double width = LABEL_CHAR_WIDTH * chars;
        for (double shift : new double[] {0, LABEL_LINE, -LABEL_LINE, 2 * LABEL_LINE, -2 * LABEL_LINE}) {
            double[] box = {x, y + shift - LABEL_LINE + 2, x + width, y + shift + 2};
            if (placed.stream().noneMatch(b -> b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) {
                placed.add(box);
                return y + shift;
            }
        }
        placed.add(new double[] {x, y - LABEL_LINE + 2, x + width, y + 2});
        return y;
    }

    private String axisLabel() {
        return bpc ? "bits per character (lower is better, plotted upwards)" : "accuracy (%)";
    }

    private void axes(StringBuilder s) {
        int x0 = LEFT;
        int x1 = WIDTH - RIGHT;
        int y0 = HEIGHT - BOTTOM;
        s.append(String.format(Locale.ROOT, "<rect class=\"plot-area\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>%n",
                x0, TOP, x1 - x0, y0 - TOP));
        for (int k = (int) logMin; k <= (int) logMax; k++) {
            double px = x(Math.pow(10, k));
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                    + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e%d</text>%n", px, TOP, px, y0, px, y0 + 16, k));
            for (int m = 2; m <= 9 && k < (int) logMax; m++) {
                double mx = x(m * Math.pow(10, k));
                s.append(String.format(Locale.ROOT, "<line class=\"minor\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n",
                        mx, y0, mx, y0 + 4));
            }
        }
        for (int i = 0; i <= Y_TICKS; i++) {
            double q = qMin + (qMax - qMin) * i / Y_TICKS;
            double py = y(q);
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0, py, x1, py, x0 - 6, py + 4,
                    bpc ? String.format(Locale.ROOT, "%.2f", q) : String.format(Locale.ROOT, "%.1f", q)));
        }
        s.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (x0 + x1) / 2, HEIGHT - 14, CompareReport.escape("J per " + unit + " (log scale)")));
        s.append(String.format(Locale.ROOT, "<text class=\"axis\" transform=\"rotate(-90)\" x=\"%d\" y=\"%d\" "
                + "text-anchor=\"middle\">%s</text>%n", -(TOP + y0) / 2, 18, CompareReport.escape(axisLabel())));
    }
}
