package dev.joule.energy.carbon;

import dev.joule.energy.EnergyException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Power usage effectiveness presets. Local machines default to 1.0 (no facility is known);
 * cloud presets are the defaults of Green Algorithms v3.0 ({@code defaults_PUE.csv}), and
 * {@code datacenter} is Uptime Institute's 2024 industry average as used there.
 */
public final class Pue {
    public static final double LOCAL = 1.0;
    private static final Map<String, Double> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("local", LOCAL);
        PRESETS.put("datacenter", 1.56);
        PRESETS.put("gcp", 1.12);
        PRESETS.put("aws", 1.2);
        PRESETS.put("azure", 1.12);
        PRESETS.put("ovh", 1.09);
    }

    private Pue() {}

    public static Map<String, Double> presets() {
        return Map.copyOf(PRESETS);
    }

    /** A number ({@code 1.2}) or a preset name ({@code aws}). */
    public static double parse(String text) {
        Double preset = PRESETS.get(text.trim().toLowerCase(Locale.ROOT));
        if (preset != null) {
            return preset;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (value >= 1.0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EnergyException("PUE '" + text + "': expected a number >= 1.0 or a preset (" + String.join(", ",
                PRESETS.keySet()) + ")");
    }

    /** The default for a region: the provider's preset for a cloud region, else 1.0. */
    public static double defaultFor(CarbonIntensity region) {
        return region.isCloud() ? PRESETS.getOrDefault(region.cloudProvider(), LOCAL) : LOCAL;
    }
}
