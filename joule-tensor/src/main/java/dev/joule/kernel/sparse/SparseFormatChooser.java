package dev.joule.kernel.sparse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Picks the format a sparse linear layer runs in (CSR, N:M, block or dense) from a measured table
 * of sparse-over-dense speedups, and says why in one line that the compression report prints.
 *
 * <p>The table ({@code sparse-break-even.properties} next to this class) holds, per format and
 * batch, the speedup over Joule's dense f32 kernel measured by {@code SparseMatvecBenchmark} at a
 * few densities; its header names the command, machine and date. Between measured densities the
 * speedup is interpolated linearly in log-density; above the highest one the sparse time is taken
 * to grow with the stored weights (speedup ∝ 1/density); below the lowest one the speedup is held
 * at its last measured value (fixed costs stop it from growing forever). A batch uses the table of
 * the nearest measured batch on a log scale. A sparse format is chosen only when its predicted
 * speedup is at least {@link #MIN_SPEEDUP}; otherwise the dense kernel runs, and the reason says so.
 *
 * <p>Which formats are candidates depends on the weights' structure: unstructured weights can only
 * run as CSR (blocks would keep almost every block, N:M would change the weights); N:M-pruned
 * weights as N:M or CSR; block-pruned weights as blocks or CSR.
 */
public final class SparseFormatChooser {
    /** A sparse format must be predicted at least this much faster than dense to be chosen (noise margin). */
    public static final double MIN_SPEEDUP = 1.1;
    private static final String RESOURCE = "sparse-break-even.properties";

    /** The formats a layer can run in. */
    public enum Format { DENSE, CSR, NM, BLOCK }

    /** The pattern the pruned weights have. */
    public enum Structure { UNSTRUCTURED, NM, BLOCK }

    /** The chosen format, its predicted speedup over dense (1 for dense) and the reason in words. */
    public record Choice(Format format, double predictedSpeedup, String reason) {}

    private final String source;
    private final Map<Format, TreeMap<Integer, TreeMap<Double, Double>>> speedups;

    SparseFormatChooser(Properties table) {
        this.source = table.getProperty("source", "unnamed table");
        this.speedups = new EnumMap<>(Format.class);
        for (Format f : List.of(Format.CSR, Format.NM, Format.BLOCK)) {
            TreeMap<Integer, TreeMap<Double, Double>> byBatch = new TreeMap<>();
            String prefix = "speedup." + f.name().toLowerCase(Locale.ROOT) + ".batch";
            for (String key : table.stringPropertyNames()) {
                if (key.startsWith(prefix)) {
                    byBatch.put(Integer.parseInt(key.substring(prefix.length())), parse(key, table.getProperty(key)));
                }
            }
            if (byBatch.isEmpty()) {
                throw new IllegalArgumentException("sparse break-even table '" + source + "' has no " + prefix
                        + "<B> entries; regenerate it with joule-bench/scripts/sparse-break-even.py");
            }
            speedups.put(f, byBatch);
        }
    }

    /** The chooser with the table measured on this project's reference machine (see the resource header). */
    public static SparseFormatChooser measured() {
        try (InputStream in = SparseFormatChooser.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from joule-tensor");
            }
            Properties p = new Properties();
            p.load(in);
            return new SparseFormatChooser(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static TreeMap<Double, Double> parse(String key, String value) {
        TreeMap<Double, Double> out = new TreeMap<>();
        for (String pair : value.trim().split("\\s+")) {
            String[] dv = pair.split("=");
            if (dv.length != 2) {
                throw new IllegalArgumentException("sparse break-even table: " + key + " entry '" + pair
                        + "' must be density=speedup, e.g. 0.1=3.2");
            }
            out.put(Double.parseDouble(dv[0]), Double.parseDouble(dv[1]));
        }
        return out;
    }

    /** Where the table comes from (the benchmark command, machine and date). */
    public String source() {
        return source;
    }

    /**
     * The format for a {@code rows × cols} layer whose weights have {@code density} nonzeros in the
     * given structure, run at {@code batch} inputs per call.
     */
    public Choice choose(int rows, int cols, int batch, double density, Structure structure) {
        if (!(density >= 0 && density <= 1) || batch < 1) {
            throw new IllegalArgumentException("choose: density must be in [0, 1] and batch >= 1, got density "
                    + density + ", batch " + batch);
        }
        List<Format> candidates = new ArrayList<>();
        candidates.add(Format.CSR);
        if (structure == Structure.NM) {
            candidates.add(Format.NM);
        } else if (structure == Structure.BLOCK) {
            candidates.add(Format.BLOCK);
        }
        Format best = null;
        double bestSpeedup = 0;
        for (Format f : candidates) {
            double s = predictedSpeedup(f, batch, density);
            if (s > bestSpeedup) {
                best = f;
                bestSpeedup = s;
            }
        }
        int tableBatch = nearestBatch(best, batch);
        String where = String.format(Locale.ROOT, "density %.3f, batch %d (table batch %d, %s)",
                density, batch, tableBatch, source);
        String shape = rows + "x" + cols;
        if (bestSpeedup >= MIN_SPEEDUP) {
            return new Choice(best, bestSpeedup, String.format(Locale.ROOT,
                    "%s %s: predicted %.2fx faster than dense at %s; break-even density %s",
                    label(best), shape, bestSpeedup, where, breakEvenText(best, batch)));
        }
        return new Choice(Format.DENSE, 1.0, String.format(Locale.ROOT,
                "dense %s: best sparse format %s predicted %.2fx of dense speed at %s (needs >= %.1fx); "
                        + "break-even density %s", shape, label(best), bestSpeedup, where, MIN_SPEEDUP,
                breakEvenText(best, batch)));
    }

    /** The predicted speedup of {@code format} over dense (above 1: faster). */
    public double predictedSpeedup(Format format, int batch, double density) {
        if (format == Format.DENSE) {
            return 1.0;
        }
        TreeMap<Double, Double> curve = speedups.get(format).get(nearestBatch(format, batch));
        if (density <= curve.firstKey()) {
            return curve.firstEntry().getValue();
        }
        if (density >= curve.lastKey()) {
            return curve.lastEntry().getValue() * curve.lastKey() / Math.max(density, 1e-12);
        }
        Map.Entry<Double, Double> lo = curve.floorEntry(density);
        Map.Entry<Double, Double> hi = curve.ceilingEntry(density);
        if (lo.getKey().equals(hi.getKey())) {
            return lo.getValue();
        }
        double t = Math.log(density / lo.getKey()) / Math.log(hi.getKey() / lo.getKey());
        return lo.getValue() + t * (hi.getValue() - lo.getValue());
    }

    /**
     * The density below which {@code format} is at least as fast as dense at {@code batch}
     * (speedup 1), by the same interpolation; 0 when it never is in the measured range.
     */
    public double breakEvenDensity(Format format, int batch) {
        if (format == Format.DENSE) {
            return 1.0;
        }
        TreeMap<Double, Double> curve = speedups.get(format).get(nearestBatch(format, batch));
        Map.Entry<Double, Double> last = curve.lastEntry();
        if (last.getValue() >= 1.0) {
            return Math.min(1.0, last.getKey() * last.getValue());
        }
        Map.Entry<Double, Double> hi = last;
        for (Map.Entry<Double, Double> lo = curve.lowerEntry(hi.getKey()); lo != null;
             hi = lo, lo = curve.lowerEntry(lo.getKey())) {
            if (lo.getValue() >= 1.0) {
                double t = (1.0 - lo.getValue()) / (hi.getValue() - lo.getValue());
                return Math.exp(Math.log(lo.getKey()) + t * Math.log(hi.getKey() / lo.getKey()));
            }
        }
        return 0.0;
    }

    private String breakEvenText(Format f, int batch) {
        double d = breakEvenDensity(f, batch);
        TreeMap<Double, Double> curve = speedups.get(f).get(nearestBatch(f, batch));
        return d == 0 ? String.format(Locale.ROOT, "none (slower than dense even at %.2f)", curve.firstKey())
                : String.format(Locale.ROOT, "%.3f", d);
    }

    private int nearestBatch(Format f, int batch) {
        int best = -1;
        double bestDistance = Double.MAX_VALUE;
        for (int b : speedups.get(f).keySet()) {
            double distance = Math.abs(Math.log(b) - Math.log(batch));
            if (distance < bestDistance) {
                best = b;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static String label(Format f) {
        return switch (f) {
            case DENSE -> "dense";
            case CSR -> "csr";
            case NM -> "n:m";
            case BLOCK -> "block 4x16";
        };
    }
}
