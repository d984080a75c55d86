package dev.joule.energy.meter.cputime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Thermal design power by CPU model name, from the bundled {@code cpu-power.csv} (vendor spec sheets).
 * A model not in the table gets {@link #DEFAULT_WATTS_PER_CPU} per logical CPU: the "Any" CPU of
 * Green Algorithms v3.0 (12 W per core), applied per logical CPU because that is what a VM shows.
 */
public final class CpuPowerTable {
    public static final double DEFAULT_WATTS_PER_CPU = 12.0;
    public static final String DEFAULT_SOURCE = "default 12 W per logical CPU (Green Algorithms v3.0 'Any' CPU)";
    private static final String RESOURCE = "/dev/joule/energy/cpu-power.csv";

    /** One table row: a model-name pattern matched on word boundaries. */
    public record Entry(String pattern, double tdpWatts, int threads, String source) {
        public double wattsPerThread() {
            return tdpWatts / threads;
        }
    }

    /** What the table says about one CPU. */
    public record Lookup(String modelName, double wattsPerCpu, double tdpWatts, String source, boolean fromTable) {}

    private final List<Entry> entries;

    public CpuPowerTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static CpuPowerTable bundled() {
        try (InputStream in = CpuPowerTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the joule-energy jar");
            }
            return new CpuPowerTable(parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Entry> parse(BufferedReader reader) throws IOException {
        List<Entry> entries = new ArrayList<>();
        String line;
        boolean header = true;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] f = line.split(",", 4);
            entries.add(new Entry(normalise(f[0]), Double.parseDouble(f[1]), Integer.parseInt(f[2]), f[3].trim()));
        }
        return entries;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Looks a {@code /proc/cpuinfo} model name up; the longest matching pattern wins. */
    public Lookup lookup(String modelName, int logicalCpus) {
        String normalised = normalise(modelName);
        Entry best = null;
        for (Entry e : entries) {
            boolean matches = Pattern.compile("\\b" + Pattern.quote(e.pattern()) + "\\b").matcher(normalised).find();
            if (matches && (best == null || e.pattern().length() > best.pattern().length())) {
                best = e;
            }
        }
        if (best == null) {
            return new Lookup(modelName, DEFAULT_WATTS_PER_CPU, DEFAULT_WATTS_PER_CPU * logicalCpus, DEFAULT_SOURCE, false);
        }
        return new Lookup(modelName, best.wattsPerThread(), best.tdpWatts(),
                "TDP " + best.tdpWatts() + " W / " + best.threads() + " threads (" + best.source() + ")", true);
    }

    static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("(r)", "").replace("(tm)", "")
                .replaceAll("[^a-z0-9+\\-]+", " ").trim();
    }
}
