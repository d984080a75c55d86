package dev.joule.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The energy-quality frontier of compare rows: a row is on it when no other row is at least as good on both
 * axes and strictly better on one. Energy is J/inference (lower is better); quality is accuracy (higher is
 * better) or, on char-lm, bits per character (lower is better). Rows without a finite positive energy are
 * left out (they cannot be placed on a log axis).
 */
final class ParetoFrontier {
    private ParetoFrontier() {}

    /** Quality of a row, oriented so that larger is better. */
    static double quality(CompareRow r) {
        return r.hasBpc() ? -r.bpc() : r.accuracy();
    }

    static boolean plottable(CompareRow r) {
        double q = r.hasBpc() ? r.bpc() : r.accuracy();
        return r.joulesPerInference() > 0 && Double.isFinite(r.joulesPerInference()) && Double.isFinite(q);
    }

    static boolean onFrontier(CompareRow r, List<CompareRow> rows) {
        if (!plottable(r)) {
            return false;
        }
        for (CompareRow o : rows) {
            if (o == r || !plottable(o)) {
                continue;
            }
            boolean noWorse = o.joulesPerInference() <= r.joulesPerInference() && quality(o) >= quality(r);
            boolean better = o.joulesPerInference() < r.joulesPerInference() || quality(o) > quality(r);
            if (noWorse && better) {
                return false;
            }
        }
        return true;
    }

    /** The frontier's rows from the cheapest to the most expensive. */
    static List<CompareRow> of(List<CompareRow> rows) {
        List<CompareRow> f = new ArrayList<>();
        for (CompareRow r : rows) {
            if (onFrontier(r, rows)) {
                f.add(r);
            }
        }
        f.sort(Comparator.comparingDouble(CompareRow::joulesPerInference));
        return f;
    }
}
