package dev.joule.energy.carbon;

import dev.joule.energy.EnergyException;
import java.util.Map;
import java.util.Properties;

/**
 * Where the electricity comes from and what the building adds.
 *
 * @param intensity grid intensity of the region (the world default when no region is given)
 * @param pue power usage effectiveness: facility energy = IT energy × (PUE − 1)
 * @param renewableShare share of the energy covered by a dedicated renewable supply (0..1), which
 *     is taken out of the grid mix before the intensity applies
 * @param regionOrigin where the region came from: {@code flag}, {@code config}, {@code env JOULE_REGION}, {@code default}
 */
public record CarbonSettings(CarbonIntensity intensity, double pue, double renewableShare, String regionOrigin) {
    public static final String REGION_ENV = "JOULE_REGION";

    public CarbonSettings {
        if (!(pue >= 1.0)) {
            throw new EnergyException("PUE " + pue + " is below 1.0; a facility cannot use less than its IT load");
        }
        if (!(renewableShare >= 0 && renewableShare <= 1)) {
            throw new EnergyException("renewable share " + renewableShare + " is outside 0..1");
        }
    }

    public static CarbonSettings worldDefault() {
        return new CarbonSettings(CarbonIntensity.WORLD_DEFAULT, Pue.LOCAL, 0, "default");
    }

    /**
     * Resolves the region from a flag, then a config property {@code region}, then the environment
     * variable {@code JOULE_REGION}, then the world default; PUE from the flag, the config property
     * {@code pue}, or the region's default. Nothing is looked up on the network.
     *
     * @param regionFlag may be null
     * @param pueFlag may be null
     * @param renewableFlag may be null
     */
    public static CarbonSettings resolve(String regionFlag, String pueFlag, Double renewableFlag, Properties config,
            Map<String, String> env, CarbonIntensityTable table) {
        String region;
        String origin;
        if (regionFlag != null && !regionFlag.isBlank()) {
            region = regionFlag;
            origin = "flag";
        } else if (config.getProperty("region") != null) {
            region = config.getProperty("region");
            origin = "config";
        } else if (env.get(REGION_ENV) != null && !env.get(REGION_ENV).isBlank()) {
            region = env.get(REGION_ENV);
            origin = "env " + REGION_ENV;
        } else {
            region = null;
            origin = "default";
        }
        CarbonIntensity intensity = region == null ? CarbonIntensity.WORLD_DEFAULT : table.require(region);
        String pueText = pueFlag != null ? pueFlag : config.getProperty("pue");
        double pue = pueText != null ? Pue.parse(pueText) : Pue.defaultFor(intensity);
        double renewable = renewableFlag != null ? renewableFlag
                : Double.parseDouble(config.getProperty("renewable", "0"));
        return new CarbonSettings(intensity, pue, renewable, origin);
    }

    /** The carbon figures for an amount of IT energy. */
    public CarbonAccount account(double itEnergyJoules) {
        double itKwh = itEnergyJoules / 3.6e6;
        double facilityKwh = itKwh * (pue - 1);
        double gridKwh = (itKwh + facilityKwh) * (1 - renewableShare);
        return new CarbonAccount(itKwh, facilityKwh, gridKwh * intensity.gramsPerKwh() / 1000.0);
    }
}
