package dev.joule.energy.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.joule.energy.EnergyException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CarbonTest {
    private final CarbonIntensityTable table = CarbonIntensityTable.bundled();

    @Test
    void countriesByAlpha2AndAlpha3AndCloudRegions() {
        assertEquals(56.0, table.require("FR").gramsPerKwh());
        assertEquals(56.0, table.require("fra").gramsPerKwh());
        CarbonIntensity paris = table.require("aws:eu-west-3");
        assertEquals("aws", paris.cloudProvider());
        assertEquals("FR", paris.countryCode());
        assertEquals(paris, table.require("eu-west-3"));
        assertEquals("FRA", table.country(paris).orElseThrow().alpha3());
        assertTrue(table.country(CarbonIntensity.WORLD_DEFAULT).isEmpty());
        assertTrue(table.rows().stream().allMatch(r -> r.year() > 2000 && !r.source().isBlank()));
    }

    @Test
    void unknownRegionNamesTheKnownOnes() {
        EnergyException e = assertThrows(EnergyException.class, () -> table.require("Atlantis"));
        assertTrue(e.getMessage().contains("FR"), e.getMessage());
    }

    @Test
    void regionComesFromFlagThenConfigThenEnvThenWorldDefault() {
        Properties config = new Properties();
        Map<String, String> env = Map.of("JOULE_REGION", "DE");
        assertEquals("flag", CarbonSettings.resolve("FR", null, null, config, env, table).regionOrigin());
        assertEquals("DE", CarbonSettings.resolve(null, null, null, config, env, table).intensity().code());
        config.setProperty("region", "SE");
        assertEquals("SE", CarbonSettings.resolve(null, null, null, config, env, table).intensity().code());
        CarbonSettings none = CarbonSettings.resolve(null, null, null, new Properties(), Map.of(), table);
        assertEquals(475.0, none.intensity().gramsPerKwh());
        assertEquals(1.0, none.pue());
    }

    @Test
    void pueAddsFacilityEnergyApartAndLeavesItEnergyUnchanged() {
        CarbonIntensity fr = table.require("FR");
        CarbonAccount plain = new CarbonSettings(fr, 1.0, 0, "flag").account(3.6e6);
        CarbonAccount withPue = new CarbonSettings(fr, 1.5, 0, "flag").account(3.6e6);
        assertEquals(1.0, plain.itEnergyKwh(), 1e-12);
        assertEquals(1.0, withPue.itEnergyKwh(), 1e-12);
        assertEquals(0.5, withPue.facilityEnergyKwh(), 1e-12);
        assertEquals(0.056 * 1.5, withPue.emissionsKg(), 1e-12);
        CarbonAccount green = new CarbonSettings(fr, 1.0, 0.25, "flag").account(3.6e6);
        assertEquals(0.056 * 0.75, green.emissionsKg(), 1e-12);
    }

    @Test
    void pueFlagTakesNumbersAndPresetsAndCloudRegionsDefaultToTheirProvider() {
        assertEquals(1.2, Pue.parse("1.2"));
        assertEquals(1.2, Pue.parse("aws"));
        assertThrows(EnergyException.class, () -> Pue.parse("0.8"));
        CarbonSettings gcp = CarbonSettings.resolve("gcp:europe-west1", null, null, new Properties(), Map.of(), table);
        assertEquals(1.12, gcp.pue());
    }
}
