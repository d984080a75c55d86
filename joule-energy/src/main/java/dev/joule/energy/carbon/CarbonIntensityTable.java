package dev.joule.energy.carbon;

import dev.joule.energy.EnergyException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The bundled offline table ({@code carbon-intensity.csv}); no network look-up, ever. */
public final class CarbonIntensityTable {
    private static final String RESOURCE = "/dev/joule/energy/carbon-intensity.csv";
    private static final List<String> HEADER = List.of("code", "alpha3", "name", "kind", "g_co2e_per_kwh", "year",
            "source", "country");

    private final List<CarbonIntensity> rows;

    public CarbonIntensityTable(List<CarbonIntensity> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The bundled table, parsed once. */
    public static CarbonIntensityTable bundled() {
        return Bundled.TABLE;
    }

    private static final class Bundled {
        static final CarbonIntensityTable TABLE = load();
    }

    private static CarbonIntensityTable load() {
        try (InputStream in = CarbonIntensityTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the joule-energy jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CarbonIntensityTable parse(BufferedReader reader) throws IOException {
        List<CarbonIntensity> rows = new ArrayList<>();
        boolean header = true;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (header) {
                if (!List.of(f).equals(HEADER)) {
                    throw new IllegalStateException("carbon-intensity.csv header is " + line + ", expected "
                            + String.join(",", HEADER));
                }
                header = false;
                continue;
            }
            rows.add(new CarbonIntensity(f[0], f[1], f[2], f[3], Double.parseDouble(f[4]), Integer.parseInt(f[5]),
                    f[6], f[7]));
        }
        return new CarbonIntensityTable(rows);
    }

    /** The country a region lies in (itself for a country), or empty for the world default. */
    public Optional<CarbonIntensity> country(CarbonIntensity region) {
        if (region.kind().equals("country")) {
            return Optional.of(region);
        }
        return rows.stream().filter(r -> r.kind().equals("country") && r.code().equals(region.countryCode())).findFirst();
    }

    public List<CarbonIntensity> rows() {
        return rows;
    }

    /**
     * Finds a region: an ISO alpha-2 or alpha-3 country code ({@code FR}, {@code FRA}), a cloud region
     * ({@code aws:eu-west-3}) or a bare cloud region name when only one provider uses it ({@code eu-west-3}).
     */
    public Optional<CarbonIntensity> find(String region) {
        String key = region.trim().toLowerCase(Locale.ROOT);
        List<CarbonIntensity> bare = new ArrayList<>();
        for (CarbonIntensity row : rows) {
            if (row.code().toLowerCase(Locale.ROOT).equals(key) || row.alpha3().toLowerCase(Locale.ROOT).equals(key)
                    && !key.isEmpty()) {
                return Optional.of(row);
            }
            if (row.isCloud() && row.cloudRegion().toLowerCase(Locale.ROOT).equals(key)) {
                bare.add(row);
            }
        }
        return bare.size() == 1 ? Optional.of(bare.get(0)) : Optional.empty();
    }

    /** Like {@link #find} but an unknown region is an error naming the known ones. */
    public CarbonIntensity require(String region) {
        return find(region).orElseThrow(() -> new EnergyException("unknown region '" + region
                + "': expected an ISO country code (FR, DE, US ...) or a cloud region (aws:eu-west-3, gcp:europe-west1, "
                + "azure:westeurope ...) from the bundled table; known: " + String.join(" ",
                        rows.stream().map(CarbonIntensity::code).toList())));
    }
}
