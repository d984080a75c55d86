package dev.joule.energy.carbon;

/**
 * Grid carbon intensity of one region.
 *
 * @param code what the user gives: an ISO 3166 alpha-2 code ({@code FR}) or {@code provider:region}
 * @param name human name
 * @param kind {@code country}, {@code cloud} or {@code default}
 * @param gramsPerKwh gCO2e per kWh
 * @param year the year the value describes
 * @param source where the value comes from
 * @param countryCode ISO alpha-2 code of the country the region lies in (empty for the world default)
 */
public record CarbonIntensity(String code, String alpha3, String name, String kind, double gramsPerKwh, int year,
        String source, String countryCode) {

    /** IEA's 2019 world average, the default of CodeCarbon and Green Algorithms. */
    public static final CarbonIntensity WORLD_DEFAULT = new CarbonIntensity("WORLD", "", "World average", "default",
            475.0, 2019, "IEA world average (CodeCarbon and Green Algorithms default)", "");

    public boolean isCloud() {
        return kind.equals("cloud");
    }

    /** {@code aws}, {@code gcp} or {@code azure} for a cloud region, else empty. */
    public String cloudProvider() {
        return isCloud() ? code.substring(0, code.indexOf(':')) : "";
    }

    public String cloudRegion() {
        return isCloud() ? code.substring(code.indexOf(':') + 1) : "";
    }
}
